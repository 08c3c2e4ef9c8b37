"""Hostile input is refused at the door with a 400, before any view can trip over it.

- JSON is parsed with a depth limit (`loads`): 5,000 nested lists cost the parser a
  RecursionError (a 500) and every later walk over the value a stack; no request of
  this store nests deeper than a few levels.
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

from web.errors import BadRequest

MAX_JSON_DEPTH = 32
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")
# C0 controls but tab/LF/CR, DEL, and the C1 block.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class TooDeep(ValueError):
    pass


def loads(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """json.loads that refuses nesting deeper than `max_depth` (ValueError, like bad JSON)."""
    text = data.decode() if isinstance(data, bytes) else data  # UnicodeDecodeError: ValueError
    depth = deepest = 0
    # Brackets inside strings do not nest: drop the strings, then count.
    for bracket in _BRACKETS.finditer(_STRINGS.sub("", text)):
        depth += 1 if bracket.group() in "[{" else -1
        deepest = max(deepest, depth)
        if deepest > max_depth:
            raise TooDeep(f"JSON nested deeper than {max_depth} levels")
    try:
        return json.loads(text)
    except RecursionError:  # belt and braces: the scan above should have caught it
        raise TooDeep("JSON nested too deeply") from None


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


def init_input_guard(app: Flask) -> None:
    app.before_request(refuse_control_characters)
