"""Hostile input is refused at the door with a 400, before any view can trip over it.

- JSON is parsed with a depth limit (`loads`), in time linear in its length: 5,000
  nested lists cost the parser a RecursionError (a 500) and every later walk over the
  value a stack; no request of this store nests deeper than a few levels.
- /api/ bodies are at most 64 KB (413) and must say `Content-Type: application/json`
  (415), so no web page can make its visitors' browsers post to the API
  (`guard_api_bodies`).
- Text never carries NUL or other control characters (`refuse_control_characters`,
  run for every query string and form before the view; `read_json_object` checks
  JSON strings): PostgreSQL cannot store a NUL, and the others only hide things from
  the people who read orders and logs. Tab, CR and LF stay allowed for text areas.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from web.errors import BadRequest

MAX_JSON_DEPTH = 32
# The JSON API's bodies are small (the biggest, a payment, is well under 2 KB); every
# other route keeps the app-wide MAX_CONTENT_LENGTH (forms, the codec).
MAX_API_BODY_BYTES = 64 * 1024
JSON_TYPE = "application/json"
# C0 controls but tab/LF/CR, DEL, and the C1 block.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class TooDeep(ValueError):
    pass


def loads(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads that refuses nesting deeper than `max_depth` (ValueError, like bad JSON).

    Its cost grows linearly with the input: the C parser reads it once (it gives up with a
    RecursionError past Python's recursion limit, long before a stack could overflow), and
    `_depth` visits each container once, level by level. An earlier guard scanned the text
    for strings with a regular expression first, which cost the square of the length on a
    body of escaped quotes (docs/security.md, "Hostile input").
    """
    text = data.decode() if isinstance(data, bytes) else data  # UnicodeDecodeError: ValueError
    try:
        value = json.loads(text)
    except RecursionError:
        raise TooDeep(f"JSON nested deeper than {max_depth} levels") from None
    if _depth(value, max_depth) > max_depth:
        raise TooDeep(f"JSON nested deeper than {max_depth} levels")
    return value


def _depth(value: Any, max_depth: int) -> int:
    """How deep `value` nests, counting no further than max_depth + 1 (no recursion)."""
    level = [value] if isinstance(value, list | dict) else []
    depth = 0
    while level and depth <= max_depth:
        depth += 1
        below: list[Any] = []
        for container in level:
            children = container.values() if isinstance(container, dict) else container
            below += [child for child in children if isinstance(child, list | dict)]
        level = below
    return depth


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def strings_in(value: Any) -> Iterable[str]:
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def refuse_control_characters() -> None:
    for source, values in (("query string", request.args), ("form", request.form)):
        for name, value in values.items(multi=True):
            if has_control_characters(name) or has_control_characters(value):
                raise BadRequest(
                    f"The {source} field {name!r} contains characters we can't accept"
                    " (control characters such as NUL)."
                )


def is_json_request() -> bool:
    return request.mimetype == JSON_TYPE


def guard_api_bodies() -> None:
    """/api/ bodies: at most MAX_API_BODY_BYTES (413), and JSON only (415).

    Setting the request's own limit makes werkzeug refuse a longer Content-Length before a
    byte is read, and stop a chunked body once it passes the limit. Requiring the JSON
    type keeps browsers out: a cross-site form can send text/plain without a preflight,
    never application/json.
    """
    if not request.path.startswith("/api/"):
        return
    request.max_content_length = MAX_API_BODY_BYTES
    if request.content_length is not None and request.content_length > MAX_API_BODY_BYTES:
        raise RequestEntityTooLarge(
            f"The request body is larger than {MAX_API_BODY_BYTES // 1024} KB."
        )
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if has_body and not is_json_request():
        raise UnsupportedMediaType(
            f"Send the request body as JSON, with Content-Type: {JSON_TYPE}."
        )


def init_input_guard(app: Flask) -> None:
    app.before_request(guard_api_bodies)
    app.before_request(refuse_control_characters)
