"""The fake media library (tests/fakes/media.py) answers what the real one answers over
PostgreSQL for the same catalogue (tests/web/catalogue.py, loaded by the real loader):
the same bytes for each size of a demo drawing, nothing for an unknown hash."""

from __future__ import annotations

import pytest

from catalog.pictures import EXTENSION
from db.media.store import MediaStore
from domain.pictures import SIZES, MediaName, hash_of
from tests.fakes.media import FakeMediaLibrary
from tests.web.catalogue import ITEMS

pytestmark = [pytest.mark.web, pytest.mark.integration]


def test_the_fake_library_draws_what_the_real_one_draws(app, tmp_path):
    from web.media.adapters import StoredMedia

    real = StoredMedia(MediaStore(tmp_path / "media"), app.extensions["shopflow"].sessions)
    fake = FakeMediaLibrary()
    pictured = [item for item in ITEMS if item.picture][:3]
    for item in pictured:
        for size in SIZES:
            name = MediaName(item.picture, size, EXTENSION)
            drawn = real.file(name)
            assert drawn is not None and drawn.read_bytes() == fake.file(name).read_bytes()
            assert real.file(name) == drawn  # stored: the second ask reads the file
    unknown = MediaName(hash_of(b"nobody's picture"), 480, EXTENSION)
    assert real.file(unknown) is None and fake.file(unknown) is None
