"""Thumbnails are squares of the three sizes; a file that is not a picture is refused with a
reason; a demo drawing is the same bytes every time and honest about what it is."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from catalog.demo_drawing import DemoDrawing, draw, rgb_of
from catalog.generator import generate_item
from catalog.pictures import EXTENSION, MAX_SOURCE_PIXELS, BadPicture, thumbnails
from domain.pictures import SIZES

pytestmark = pytest.mark.unit


def _png(width: int, height: int, colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def _bmp() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, "BMP")
    return out.getvalue()


def test_a_picture_becomes_a_square_thumbnail_of_each_size_in_the_stores_format():
    made = thumbnails(_png(1200, 600))
    assert sorted(made) == sorted(SIZES) == [160, 480, 960]
    for size, data in made.items():
        image = Image.open(io.BytesIO(data))
        assert image.size == (size, size)
        assert image.format == ("WEBP" if EXTENSION == "webp" else "JPEG")
    # A wide picture is fitted, not cropped: white above and below, red in the middle.
    image = Image.open(io.BytesIO(made[480])).convert("RGB")
    assert image.getpixel((240, 10))[1] > 240  # white
    red = image.getpixel((240, 240))
    assert red[0] > 200 and red[1] < 60


def test_webp_is_what_this_pillow_makes():
    assert EXTENSION == "webp"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<html>not found</html>", "not a picture"),
        (b"", "not a picture"),
        (_png(40, 40)[:60], "damaged"),
        (_bmp(), "not a picture"),  # a format no product picture comes in
    ],
)
def test_bytes_that_are_not_a_usable_picture_are_refused_with_a_reason(data, words):
    with pytest.raises(BadPicture, match=words):
        thumbnails(data)


def test_a_picture_too_large_to_decode_safely_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr("catalog.pictures.MAX_SOURCE_PIXELS", 100 * 100)
    with pytest.raises(BadPicture, match="pixels"):
        thumbnails(_png(101, 100))
    assert MAX_SOURCE_PIXELS >= 24_000_000  # a 6000 x 4000 camera picture is fine


def test_the_same_item_is_drawn_as_the_same_bytes_under_the_same_hash():
    kettle = DemoDrawing("Home & Kitchen", "Black", "Acme Electric Kettle 1.7L")
    again = DemoDrawing("Home & Kitchen", "Black", "Acme Electric Kettle 1.7L")
    assert kettle.hash == again.hash and len(kettle.hash) == 32
    for size in SIZES:
        assert draw(kettle, size) == draw(again, size)
        assert Image.open(io.BytesIO(draw(kettle, size))).size == (size, size)
    other = DemoDrawing("Home & Kitchen", "Black", "Acme Electric Kettle 1.5L")
    assert other.hash != kettle.hash and draw(other, 480) != draw(kettle, 480)


def test_a_drawing_is_in_the_items_colour_or_its_categorys():
    assert rgb_of(DemoDrawing("Clothing, Shoes & Jewelry", "Heather Grey", "Tee")) == (
        128,
        132,
        138,
    )
    assert rgb_of(DemoDrawing("Clothing, Shoes & Jewelry", "Black/White", "Shoe"))[0] < 60
    assert rgb_of(DemoDrawing("Books", None, "A")) == rgb_of(DemoDrawing("Books", None, "B"))
    dark = Image.open(io.BytesIO(draw(DemoDrawing("Electronics", "Red", "Phone"), 480)))
    assert dark.convert("RGB").getpixel((120, 240))[0] > 150  # the device's red body


def test_the_demo_generator_gives_each_item_its_drawing_deterministically():
    first = generate_item(7, seed=42, warehouse_ids=(1, 2))
    again = generate_item(7, seed=42, warehouse_ids=(1, 2))
    assert first.drawing == again.drawing and first.picture == again.picture
    assert first.drawing.category == first.category and first.drawing.name == first.name
    pictures = {generate_item(i, seed=42, warehouse_ids=(1,)).picture for i in range(1, 201)}
    assert len(pictures) > 190  # a picture per item (names may repeat; issue of relevance)


def test_every_colour_the_demo_catalogue_names_is_drawn_in_that_colour(monkeypatch):
    from catalog.vocabulary import PRODUCT_TYPES
    from catalog.vocabulary.model import label

    colours = {
        label(value)
        for kind in PRODUCT_TYPES
        for attribute in kind.attributes
        if attribute.key == "colour"
        for value in attribute.values
    }
    assert len(colours) > 30
    unnamed = (1, 2, 3)  # what a colour without its own would get
    monkeypatch.setattr("catalog.demo_drawing._CATEGORY_COLOURS", (unnamed,))
    assert rgb_of(DemoDrawing("Books", "Ultraviolet", "x")) == unnamed
    for colour in colours:
        assert rgb_of(DemoDrawing("Books", colour, "x")) != unnamed, colour
