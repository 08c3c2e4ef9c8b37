"""`shopflow catalog import` takes each product's picture from an imageURL (fetched from a
local HTTP server here, never the internet) or an imagePath beside the file; a bad picture
is reported on its line like any bad field and does not stop the good rows."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest
from sqlalchemy import text

from catalog.pictures import EXTENSION
from domain.pictures import SIZES, MediaName, hash_of
from tests.catalog.picture_server import KETTLE, picture_server, png
from tests.catalog.test_import import run_import, store  # noqa: F401 (the fixture)

pytestmark = pytest.mark.integration

MUG = png("teal", (500, 700))
HEADER = ["sku", "name", "price", "brand", "category", "imageURL", "imagePath", "stock.1"]


def _write(path, rows: list[dict]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HEADER)
        writer.writeheader()
        for row in rows:
            writer.writerow({"price": "9.99", "brand": "Acme", "category": "Kitchen", **row})


def _pictures(engine) -> dict[str, tuple[str | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT i.sku, i.picture, p.origin FROM items i LEFT JOIN pictures p ON p.hash = i.picture"
            )
        )
        return {row.sku: (row.picture, row.origin) for row in rows}


@pytest.fixture
def products(tmp_path):
    folder = tmp_path / "products"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "mug.png").write_bytes(MUG)
    (folder / "images" / "notes.txt").write_text("not a picture")
    (tmp_path / "secret.png").write_bytes(KETTLE)
    return folder


def test_pictures_by_url_and_by_path_are_stored_once_and_bad_ones_are_reported_on_their_line(
    store,  # noqa: F811
    catalog_engine,
    products,
    tmp_path,
):
    settings = replace(store, media_dir=tmp_path / "media")
    file = products / "products.csv"
    with picture_server() as server:
        _write(
            file,
            [
                {"sku": "K-1", "name": "Kettle", "imageURL": f"{server}/kettle.png"},  # line 2
                {"sku": "M-1", "name": "Mug", "imagePath": "images/mug.png"},
                {"sku": "K-2", "name": "Kettle again", "imageURL": f"{server}/kettle.png"},
                {"sku": "B-1", "name": "Not a picture", "imageURL": f"{server}/page.html"},
                {"sku": "B-2", "name": "Gone", "imageURL": f"{server}/missing.png"},  # line 6
                {"sku": "B-3", "name": "Outside", "imagePath": "../secret.png"},
                {"sku": "B-4", "name": "Text", "imagePath": "images/notes.txt"},
                {"sku": "N-1", "name": "No picture"},  # line 9
            ],
        )
        refused = run_import(settings, file)
        assert refused.exit_code == 1
        for expected in [
            "line 5, imageURL: is not a picture",
            "line 6, imageURL: " + f"{server}/missing.png answered 404",
            "line 7, imagePath: must stay inside the product file's folder",
            "line 8, imagePath: is not a picture",
            "nothing was imported",
        ]:
            assert expected in refused.output, refused.output
        assert _pictures(catalog_engine) == {}

        result = run_import(settings, file, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "4 new" in result.output and "4 skipped" in result.output
    kettle, mug = hash_of(KETTLE), hash_of(MUG)
    assert _pictures(catalog_engine) == {
        "K-1": (kettle, f"{server}/kettle.png"),
        "M-1": (mug, "images/mug.png"),
        "K-2": (kettle, f"{server}/kettle.png"),
        "N-1": (None, None),
    }
    for picture in (kettle, mug):
        for size in SIZES:
            assert (settings.media_path / picture[:2] / f"{picture}-{size}.{EXTENSION}").is_file()
    assert str(MediaName(kettle, 480, EXTENSION)) == f"{kettle}-480.{EXTENSION}"


def test_re_importing_the_same_pictures_changes_nothing(store, catalog_engine, products):  # noqa: F811
    file = products / "products.csv"
    _write(file, [{"sku": "M-1", "name": "Mug", "imagePath": "images/mug.png"}])
    assert run_import(store, file).exit_code == 0
    again = run_import(store, file)
    assert again.exit_code == 0 and "1 unchanged" in again.output, again.output
    _write(file, [{"sku": "M-1", "name": "Mug"}])  # the picture taken away
    assert "1 updated" in run_import(store, file).output
    assert _pictures(catalog_engine) == {"M-1": (None, None)}
