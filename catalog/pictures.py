"""Thumbnails of a product picture with Pillow (docs/media.md).

Every size is a square: the picture fitted inside and centred on white, so cards line
up whatever the source's shape, and `<img width height>` is known without reading a file.
WebP when the Pillow wheel has it (it does on every platform it ships for), JPEG otherwise.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError, features

from domain.pictures import SIZES

EXTENSION = "webp" if features.check("webp") else "jpg"
CONTENT_TYPE = "image/webp" if EXTENSION == "webp" else "image/jpeg"
ACCEPTED_FORMATS = ("PNG", "JPEG", "WEBP", "GIF")
MAX_SOURCE_PIXELS = 40_000_000  # larger sources are refused, not decoded (memory)
_QUALITY = 80


class BadPicture(ValueError):
    """The bytes are not a picture we can use; the message says why, for an import report."""


def encode(image: Image.Image, *, effort: int = 4) -> bytes:
    """One thumbnail's bytes: same image, same Pillow, same bytes (no timestamps inside).

    `effort` is WebP's method (0 fastest .. 6 smallest): flat demo drawings take 0.
    """
    out = io.BytesIO()
    if EXTENSION == "webp":
        image.save(out, "WEBP", quality=_QUALITY, method=effort)
    else:
        image.save(out, "JPEG", quality=_QUALITY, optimize=True)
    return out.getvalue()


def fit_square(image: Image.Image, size: int) -> Image.Image:
    """`image` scaled to fit a size x size square, centred on white."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    else:
        image = image.convert("RGB")
    image.thumbnail((size, size), Image.Resampling.LANCZOS)
    square = Image.new("RGB", (size, size), "white")
    square.paste(image, ((size - image.width) // 2, (size - image.height) // 2))
    return square


def thumbnails(data: bytes) -> dict[int, bytes]:
    """Each size's bytes for a source picture's bytes; BadPicture if it is not one."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Only the formats a product picture comes in: no PSD, EPS, ICO... decoders.
            source = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
            if source.width * source.height > MAX_SOURCE_PIXELS:
                raise BadPicture(
                    f"is {source.width}x{source.height} pixels; at most "
                    f"{MAX_SOURCE_PIXELS:,} pixels are taken"
                )
            source.load()
    except BadPicture:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise BadPicture(f"has more than {MAX_SOURCE_PIXELS:,} pixels") from None
    except UnidentifiedImageError:
        raise BadPicture("is not a picture (PNG, JPEG, WebP or GIF)") from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise BadPicture(f"is a damaged picture ({exc})") from None
    return {size: encode(fit_square(source, size)) for size in SIZES}
