"""The demo catalogue's pictures: a drawing per item, made with Pillow (docs/media.md).

A simple silhouette for the item's category, in the item's colour, with its name and a
"demo drawing" label, so nobody mistakes it for a photograph of a product. Drawing is
deterministic: the same recipe always gives the same bytes, so the recipe's hash
(`DemoDrawing.hash`) names the files. Bump DRAWING_VERSION when the drawing changes,
so cached copies under the old names are never served for the new look.

Drawn lazily, on the first request of a size (web/media/), not when the catalogue is
loaded: 20,000 items x 3 sizes would take minutes of CPU at start-up.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from PIL import Image, ImageDraw, ImageFont

from catalog.pictures import encode
from domain.pictures import hash_of

DRAWING_VERSION = 2  # 2: every colour of the demo vocabulary has its own
LABEL = "demo drawing"

_COLOURS = {
    "black": (40, 40, 44),
    "white": (236, 236, 232),
    "grey": (128, 132, 138),
    "gray": (128, 132, 138),
    "silver": (176, 180, 186),
    "navy": (32, 52, 104),
    "blue": (44, 102, 196),
    "red": (196, 48, 48),
    "green": (56, 142, 72),
    "olive": (112, 118, 56),
    "burgundy": (118, 32, 52),
    "pink": (232, 130, 170),
    "rose": (212, 140, 150),
    "mint": (150, 220, 190),
    "orange": (232, 120, 40),
    "mustard": (214, 168, 48),
    "yellow": (238, 200, 60),
    "volt": (200, 232, 40),
    "purple": (120, 72, 168),
    "brown": (128, 84, 52),
    "beige": (214, 196, 160),
    "gold": (204, 160, 60),
    "teal": (40, 140, 140),
    "charcoal": (60, 64, 70),
    "blush": (236, 180, 184),
    "coral": (240, 128, 104),
    "cream": (242, 232, 204),
    "forest": (34, 96, 56),
    "glacier": (196, 224, 236),
    "graphite": (72, 76, 82),
    "ivory": (244, 240, 224),
    "lime": (170, 210, 60),
    "moss": (104, 124, 64),
    "oak": (184, 140, 90),
    "ocean": (30, 110, 160),
    "plum": (110, 50, 100),
    "rust": (170, 80, 40),
    "sage": (150, 170, 130),
    "sand": (210, 190, 150),
    "slate": (96, 110, 124),
    "steel": (168, 174, 180),
    "starlight": (232, 226, 212),
    "stone": (168, 160, 148),
    "tan": (200, 164, 120),
    "walnut": (110, 76, 50),
}
# A colour per category for items whose listing names none.
_CATEGORY_COLOURS = (
    (44, 102, 196),
    (56, 142, 72),
    (196, 48, 48),
    (120, 72, 168),
    (232, 120, 40),
    (40, 140, 140),
    (118, 32, 52),
    (214, 168, 48),
)


@dataclass(frozen=True)
class DemoDrawing:
    category: str
    colour: str | None  # the listing's colour ("Heather Grey", "Black/White"), if any
    name: str

    @cached_property
    def hash(self) -> str:
        # Computed for every generated item: a plain string, not JSON (a tenth of the cost).
        recipe = f"demo drawing {DRAWING_VERSION}\x1f{self.category}\x1f{self.colour or ''}"
        return hash_of(f"{recipe}\x1f{self.name}".encode())

    def to_json(self) -> dict[str, str | None]:
        return {"category": self.category, "colour": self.colour, "name": self.name}


def rgb_of(drawing: DemoDrawing) -> tuple[int, int, int]:
    if drawing.colour:
        first = drawing.colour.split("/")[0].lower().split()
        for word in reversed(first):  # "Heather Grey" is grey, "Triple Black" black
            if word in _COLOURS:
                return _COLOURS[word]
    index = sum(drawing.category.encode()) % len(_CATEGORY_COLOURS)
    return _CATEGORY_COLOURS[index]


def draw(drawing: DemoDrawing, size: int) -> bytes:
    """The drawing as one square thumbnail's bytes (catalog/pictures.py's format)."""
    colour = rgb_of(drawing)
    tint = tuple(255 - (255 - c) // 8 for c in colour)
    image = Image.new("RGB", (size, size), tint)
    pen = ImageDraw.Draw(image)
    scale = size / 100  # shapes are drawn on a 100 x 100 grid
    outline = (70, 70, 70) if sum(colour) > 600 else tuple(c // 2 for c in colour)

    def box(*xy: float) -> list[float]:
        return [v * scale for v in xy]

    shape = _SHAPES.get(drawing.category, _blob)
    shape(pen, box, colour, outline, max(1, round(scale)))
    small = ImageFont.load_default(size=max(7, round(4 * scale)))
    pen.text(box(4, 3), LABEL, fill=(90, 90, 90), font=small)
    if size >= 480:  # at 160 px a name would be a grey smudge
        font = ImageFont.load_default(size=round(4.2 * scale))
        lines = textwrap.wrap(drawing.name, width=34)[:2]
        for row, line in enumerate(lines):
            pen.text(box(50, 84 + row * 6), line, fill=(40, 40, 40), font=font, anchor="mm")
    return encode(image, effort=0)  # flat colours: the fastest WebP is small enough


Box = Callable[..., list[float]]
Colour = tuple[int, int, int]


def _device(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.rounded_rectangle(box(22, 14, 78, 74), radius=6 * w, fill=fill, outline=line, width=w)
    pen.rectangle(box(27, 19, 73, 64), fill=(30, 34, 40))
    pen.ellipse(box(47, 66, 53, 72), fill=line)


def _kettle(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.polygon(box(30, 72, 34, 30, 66, 30, 70, 72), fill=fill, outline=line, width=w)
    pen.arc(box(58, 34, 84, 62), 270, 90, fill=line, width=3 * w)
    pen.polygon(box(34, 44, 18, 32, 20, 30, 34, 38), fill=fill, outline=line, width=w)
    pen.rectangle(box(42, 24, 58, 30), fill=line)


def _shirt(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    points = (
        36,
        16,
        44,
        20,
        56,
        20,
        64,
        16,
        84,
        28,
        76,
        40,
        68,
        35,
        68,
        76,
        32,
        76,
        32,
        35,
        24,
        40,
        16,
        28,
    )
    pen.polygon(box(*points), fill=fill, outline=line, width=w)


def _ball(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.ellipse(box(24, 14, 76, 66), fill=fill, outline=line, width=w)
    pen.arc(box(12, 20, 50, 60), 300, 60, fill=line, width=w)
    pen.arc(box(50, 20, 88, 60), 120, 240, fill=line, width=w)


def _notebook(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.rectangle(box(28, 12, 72, 74), fill=fill, outline=line, width=w)
    pen.rectangle(box(28, 12, 34, 74), fill=line)
    for y in range(24, 70, 8):
        pen.line(box(40, y, 66, y), fill=(255, 255, 255), width=w)


def _plant(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.polygon(box(36, 56, 64, 56, 60, 76, 40, 76), fill=(176, 96, 60), outline=line, width=w)
    pen.line(box(50, 56, 50, 26), fill=line, width=2 * w)
    pen.ellipse(box(30, 24, 50, 40), fill=fill, outline=line, width=w)
    pen.ellipse(box(50, 16, 70, 32), fill=fill, outline=line, width=w)
    pen.ellipse(box(40, 36, 60, 50), fill=fill, outline=line, width=w)


def _hammer(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.rectangle(box(46, 30, 54, 76), fill=(150, 110, 70), outline=line, width=w)
    pen.rectangle(box(28, 16, 72, 30), fill=fill, outline=line, width=w)


def _blocks(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    for x0, y0 in ((26, 50), (50, 50), (38, 26)):
        pen.rectangle(box(x0, y0, x0 + 24, y0 + 24), fill=fill, outline=line, width=w)
        pen.ellipse(box(x0 + 8, y0 + 8, x0 + 16, y0 + 16), outline=line, width=w)


def _bottle(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.rounded_rectangle(box(34, 34, 66, 76), radius=5 * w, fill=fill, outline=line, width=w)
    pen.rectangle(box(44, 22, 56, 34), fill=fill, outline=line, width=w)
    pen.rectangle(box(42, 14, 58, 22), fill=line)


def _car(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    points = (12, 60, 14, 46, 30, 44, 40, 30, 66, 30, 76, 44, 88, 48, 88, 60)
    pen.polygon(box(*points), fill=fill, outline=line, width=w)
    for x in (22, 64):
        pen.ellipse(box(x, 52, x + 16, 68), fill=(40, 40, 44), outline=line, width=w)


def _book(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.rectangle(box(30, 12, 72, 74), fill=fill, outline=line, width=w)
    pen.rectangle(box(26, 14, 30, 76), fill=line)
    pen.rectangle(box(38, 24, 64, 34), fill=(255, 255, 255))


def _bone(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    for x, y in ((18, 28), (18, 44), (66, 28), (66, 44)):
        pen.ellipse(box(x, y, x + 16, y + 16), fill=fill, outline=line, width=w)
    pen.rectangle(box(28, 36, 72, 52), fill=fill)


def _blob(pen: ImageDraw.ImageDraw, box: Box, fill: Colour, line: Colour, w: int) -> None:
    pen.ellipse(box(26, 16, 74, 64), fill=fill, outline=line, width=w)


_SHAPES = {
    "Electronics": _device,
    "Home & Kitchen": _kettle,
    "Clothing, Shoes & Jewelry": _shirt,
    "Sports & Outdoors": _ball,
    "Office Products": _notebook,
    "Patio, Lawn & Garden": _plant,
    "Tools & Home Improvement": _hammer,
    "Toys & Games": _blocks,
    "Beauty & Personal Care": _bottle,
    "Automotive": _car,
    "Books": _book,
    "Pet Supplies": _bone,
}
