"""A product file's picture is fetched from its imageURL (a local server here) or read from
its imagePath beside the file, stored once by its hash, or refused with the reason."""

from __future__ import annotations

import pytest

from catalog.picture_sources import PictureImport
from catalog.pictures import EXTENSION, BadPicture
from db.media.store import MediaStore
from domain.catalog_rows import parse_row
from domain.pictures import SIZES, MediaName, hash_of
from tests.catalog.picture_server import KETTLE, picture_server

pytestmark = pytest.mark.unit

GOOD = {"sku": "KTL-1", "name": "Kettle", "price": "9.99", "brand": "Acme", "category": "Kitchen"}


def _row(**picture: str):
    row, errors = parse_row(2, {**GOOD, **picture}, {})
    assert errors == []
    return row


@pytest.fixture
def server():
    with picture_server() as base:
        yield base


@pytest.fixture
def media(tmp_path):
    return MediaStore(tmp_path / "media")


@pytest.fixture
def product_folder(tmp_path):
    folder = tmp_path / "products"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "kettle.png").write_bytes(KETTLE)
    (tmp_path / "outside.png").write_bytes(KETTLE)
    return folder


def _stored_sizes(media: MediaStore, picture_hash: str) -> list[int]:
    return [s for s in SIZES if media.find(MediaName(picture_hash, s, EXTENSION))]


def test_a_picture_at_a_web_address_is_fetched_and_stored_in_every_size(
    server, media, product_folder
):
    pictures = PictureImport(media, product_folder)
    stored = pictures.store(_row(imageURL=f"{server}/kettle.png"))
    assert stored.hash == hash_of(KETTLE) and stored.origin == f"{server}/kettle.png"
    assert _stored_sizes(media, stored.hash) == [160, 480, 960]


def test_a_picture_beside_the_product_file_is_read_and_is_the_same_picture(
    server, media, product_folder
):
    pictures = PictureImport(media, product_folder)
    by_path = pictures.store(_row(imagePath="images/kettle.png"))
    by_url = pictures.store(_row(imageURL=f"{server}/kettle.png"))
    assert by_path.hash == by_url.hash  # stored once, by content
    assert _stored_sizes(media, by_path.hash) == [160, 480, 960]
    assert pictures.store(_row()) is None


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ({"imageURL": "{server}/page.html"}, "is not a picture"),
        ({"imageURL": "{server}/missing.png"}, "answered 404"),
        ({"imageURL": "{server}/big.png"}, "larger than"),
        ({"imageURL": "{server}/slow.png"}, "did not answer in time"),
        ({"imageURL": "http://127.0.0.1:9/nobody-listens.png"}, "could not be fetched"),
        ({"imagePath": "../outside.png"}, "inside the product file's folder"),
        ({"imagePath": "/etc/passwd"}, "inside the product file's folder"),
        ({"imagePath": "images/nothing.png"}, "no file"),
    ],
)
def test_a_bad_picture_is_refused_with_what_is_wrong(server, media, product_folder, source, words):
    pictures = PictureImport(media, product_folder, timeout=0.5, max_bytes=200_000)
    field, value = next(iter(source.items()))
    with pytest.raises(BadPicture, match=words):
        pictures.store(_row(**{field: value.format(server=server)}))
    assert not any(media.root.rglob("*.webp")) if media.root.exists() else True
