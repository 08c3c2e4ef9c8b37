"""`shopflow catalog draw-pictures`: draw every demo drawing now, not on first request.

For a store whose pictures are served from an S3-compatible bucket (MEDIA_URL), which
only holds what is copied into it: draw everything into MEDIA_DIR, then sync the folder
(docs/media.md). Files already there are left alone, so a second run draws nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from tqdm import tqdm

from catalog.demo_drawing import DemoDrawing, draw
from catalog.pictures import EXTENSION
from db.media.store import MediaStore
from db.postgres.engine import make_engine
from db.postgres.models import Picture
from domain.pictures import SIZES, MediaName
from settings import Settings


@dataclass(frozen=True)
class DrawReport:
    pictures: int  # demo drawings known
    drawn: int  # files written now

    def summary(self) -> str:
        return f"{self.pictures:,} demo drawings: {self.drawn:,} files drawn, the rest were there"


def draw_demo_pictures(
    settings: Settings, *, sizes: tuple[int, ...] = SIZES, progress: bool = True
) -> DrawReport:
    store = MediaStore(settings.media_path)
    engine = make_engine(settings.database_url, pool_size=1)
    pictures = drawn = 0
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(Picture.hash, Picture.drawing)
                .where(Picture.drawing.is_not(None))
                .order_by(Picture.hash)
                .execution_options(yield_per=1000)
            )
            for row in tqdm(rows, desc="Drawing", unit=" pictures", disable=not progress):
                pictures += 1
                drawing = DemoDrawing(**row.drawing)
                if drawing.hash != row.hash:
                    continue  # another drawing version's recipe: its name is not ours
                for size in sizes:
                    name = MediaName(row.hash, size, EXTENSION)
                    if store.find(name) is None:
                        store.put(name, draw(drawing, size))
                        drawn += 1
    finally:
        engine.dispose()
    return DrawReport(pictures=pictures, drawn=drawn)
