"""A picture's public name says which stored file it is, and nothing else can pass for one."""

from __future__ import annotations

import pytest

from domain.pictures import (
    SIZES,
    hash_of,
    is_picture_hash,
    parse_media_name,
    picture_url,
    picture_urls,
)

pytestmark = pytest.mark.unit

HASH = hash_of(b"a kettle")


def test_a_stored_pictures_name_is_its_hash_its_size_and_its_format():
    name = parse_media_name(f"{HASH}-480.webp", "webp")
    assert (name.hash, name.size, name.ext) == (HASH, 480, "webp")
    assert str(name) == f"{HASH}-480.webp"


@pytest.mark.parametrize(
    "raw",
    [
        f"../{HASH}-480.webp",
        f"..%2F{HASH}-480.webp",
        f"{HASH}-480.webp/../../secrets.json",
        f"ab/{HASH}-480.webp",
        f"{HASH}-481.webp",  # not a size we make
        f"{HASH}-480.jpg",  # not the format this store makes
        f"{HASH.upper()}-480.webp",
        f"{HASH[:-1]}-480.webp",
        f"{HASH}-480.webp\x00.png",
        "",
        "secrets.json",
    ],
)
def test_anything_else_names_no_picture(raw):
    assert parse_media_name(raw, "webp") is None


def test_a_picture_offers_every_size_and_names_the_480_pixel_one_as_its_source():
    picture = picture_urls(HASH, "https://cdn.example/media/", "webp")
    assert picture.src == f"https://cdn.example/media/{HASH}-480.webp"
    assert picture.srcset == ", ".join(
        f"https://cdn.example/media/{HASH}-{px}.webp {px}w" for px in SIZES
    )
    assert (picture.width, picture.height) == (480, 480)
    assert SIZES == (160, 480, 960)


def test_the_apis_image_url_is_the_pages_source():
    assert picture_url(HASH, "https://cdn.example/media/", "webp") == (
        picture_urls(HASH, "https://cdn.example/media/", "webp").src
    )


@pytest.mark.parametrize(
    "value", [HASH.upper(), HASH[:-1], HASH + "0", HASH[:-1] + "g", HASH + "\n", ""]
)
def test_only_32_lowercase_hex_digits_are_a_picture_hash(value):
    assert is_picture_hash(HASH)
    assert not is_picture_hash(value)
