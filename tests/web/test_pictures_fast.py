"""Product pictures on the fast layer's fakes (tests/fakes/media.py, tests/fakes/items.py):
the media route's headers and refusals, `<img srcset>` on cards and the item page, and the
API's imageURL. The real library is held to the fake by tests/web/test_media_contracts.py."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.web.catalogue import BY_ID, WITHOUT_PICTURE

pytestmark = pytest.mark.web

KETTLE = next(i for i in BY_ID.values() if i.name == "Electric Kettle 1.7L")
BOOK = BY_ID[min(WITHOUT_PICTURE)]


def test_a_picture_is_served_under_its_hashed_name_and_cached_for_a_year(fast_client):
    response = fast_client.get(f"/media/{KETTLE.picture}-480.webp")
    assert response.status_code == 200
    assert response.mimetype == "image/webp"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(response.data)).size == (480, 480)
    small = fast_client.get(f"/media/{KETTLE.picture}-160.webp")
    assert Image.open(io.BytesIO(small.data)).size == (160, 160)


@pytest.mark.parametrize(
    "path",
    [
        "/media/0123456789abcdef0123456789abcdef-480.webp",  # no such picture
        f"/media/{KETTLE.picture}-500.webp",  # no such size
        f"/media/{KETTLE.picture}-480.png",
        f"/media/{KETTLE.picture}",
        "/media/",
        "/media/../settings.py",
        "/media/..%2F..%2Fsettings.py",
        "/media/%2e%2e/%2e%2e/settings.py",
        f"/media/{KETTLE.picture[:2]}/{KETTLE.picture}-480.webp",  # the store's own folders
        "/media/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    ],
)
def test_anything_but_a_stored_pictures_name_is_a_404(fast_client, path):
    response = fast_client.get(path)
    assert response.status_code == 404
    assert "immutable" not in response.headers.get("Cache-Control", "")


def _imgs(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_search_cards_offer_every_size_lazily_and_books_keep_their_placeholder(fast_client):
    html = fast_client.get("/search?q=kettle").get_data(as_text=True)
    (kettle,) = [img for img in _imgs(html) if f'alt="{KETTLE.name}"' in img]
    assert f'src="/media/{KETTLE.picture}-480.webp"' in kettle
    for px in (160, 480, 960):
        assert f"/media/{KETTLE.picture}-{px}.webp {px}w" in kettle
    for attribute in ('sizes="64px"', 'width="480"', 'height="480"', 'loading="lazy"'):
        assert attribute in kettle
    books = fast_client.get("/search?category=Books").get_data(as_text=True)
    assert _imgs(books) == [] and 'data-test="no-picture"' in books


def test_the_item_pages_picture_is_fetched_at_once(fast_client):
    html = fast_client.get(f"/items/{KETTLE.id}").get_data(as_text=True)
    (main,) = [img for img in _imgs(html) if "item__image" in img]
    assert f'srcset="/media/{KETTLE.picture}-160.webp 160w' in main
    assert f'alt="{KETTLE.name}"' in main and "sizes=" in main
    assert "loading=" not in main
    book = fast_client.get(f"/items/{BOOK.id}").get_data(as_text=True)
    assert "item__image" not in book and 'title="No picture yet"' in book


def test_the_api_names_the_480_pixel_picture_or_null(fast_client):
    item = fast_client.get(f"/api/v1/items/{KETTLE.id}").get_json()
    assert item["imageURL"] == f"/media/{KETTLE.picture}-480.webp"
    assert fast_client.get(f"/api/v1/items/{BOOK.id}").get_json()["imageURL"] is None
    hits = fast_client.get("/api/v1/items?query=kettle").get_json()["items"]
    assert {h["itemID"]: h["imageURL"] for h in hits}[KETTLE.id] == item["imageURL"]


def test_with_a_cdn_the_pictures_urls_are_the_cdns(make_fake_shop):
    shop = make_fake_shop(media_url="https://cdn.example/shop-media/")
    item = shop.app.test_client().get(f"/api/v1/items/{KETTLE.id}").get_json()
    assert item["imageURL"] == f"https://cdn.example/shop-media/{KETTLE.picture}-480.webp"


def test_the_home_pages_shelf_cards_offer_every_size_lazily_too(fast_client):
    html = fast_client.get("/recommendations", headers={"HX-Request": "true"}).get_data(
        as_text=True
    )
    cards = re.findall(r'<li class="shelf-card".*?</li>', html, flags=re.S)
    assert cards
    for card in cards:
        item = BY_ID[int(re.search(r'data-item-id="(\d+)"', card)[1])]
        if item.picture is None:
            assert "<img" not in card and 'data-test="no-picture"' in card
            continue
        (img,) = _imgs(card)
        assert f"/media/{item.picture}-960.webp 960w" in img
        assert 'loading="lazy"' in img and 'width="480"' in img and "sizes=" in img
