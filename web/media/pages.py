"""`GET /media/<name>`: a product picture's thumbnail, cached for a year (docs/media.md).

A name is content-hashed, so its bytes never change: browsers and CDNs may keep it
forever (`immutable`). Anything but a stored picture's name is a 404.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, send_file

from catalog.pictures import CONTENT_TYPE, EXTENSION
from web.media.use_cases import find_media
from web.refusals import Refused
from web.services import services

bp = Blueprint("media", __name__, url_prefix="/media")

IMMUTABLE = "public, max-age=31536000, immutable"


@bp.get("/<path:name>")
def picture(name: str) -> Response:
    found = find_media(name, EXTENSION, services().media)
    if isinstance(found, Refused):
        abort(404, description=found.message)
    response = send_file(found, mimetype=CONTENT_TYPE, conditional=True, etag=True)
    response.headers["Cache-Control"] = IMMUTABLE
    return response
