"""An item's picture as pages and the API show it (docs/media.md).

Items carry their picture's hash (or None); this turns it into URLs under the store's
media base (MEDIA_URL, else /media): the `picture_of` template global the cards and the
item page use (templates/shared/picture.html), and the API's `imageURL`.
"""

from __future__ import annotations

import functools

from catalog.pictures import EXTENSION
from domain.pictures import Picture, is_picture_hash, picture_urls
from domain.pictures import picture_url as url_of_picture
from web.services import services


def picture_of(picture_hash: str | None) -> Picture | None:
    """The <img> of a picture; None (the placeholder) for an item without one."""
    if not picture_hash or not is_picture_hash(picture_hash):
        return None
    return picture_urls(picture_hash, media_base(), EXTENSION)


def picture_url(picture_hash: str | None, media_base_url: str | None = None) -> str | None:
    """The API's `imageURL`: the 480 px picture's URL, or None (on every search hit, so
    without the srcset `picture_of` builds for pages). A page of hits passes the media
    base it looked up once (`media_base`), rather than each hit asking the app for it."""
    if not picture_hash:
        return None
    return _api_url(picture_hash, media_base_url or media_base())


@functools.lru_cache(maxsize=65_536)
def _api_url(picture_hash: str, base_url: str) -> str | None:
    # Remembered: every search hit asks, mostly for the same few hundred pictures, and the
    # check and the formatting cost more than the lookup (docs/benchmarks.md).
    if not is_picture_hash(picture_hash):
        return None
    return url_of_picture(picture_hash, base_url, EXTENSION)


def media_base() -> str:
    """The store's media base URL (MEDIA_URL, else /media)."""
    return services().settings.media_base_url
