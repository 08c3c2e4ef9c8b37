"""One recorded history per ReindexCatalogWorkflow path: histories/reindex/<path>.json.

Recorded by `make histories` (tests/workflows/record.py) with the fake catalogue
(reindex_fakes.py). A reindex that continues as new leaves one history per run: both
are kept (`-run1`, `-run2`), since the second run resumes where the first stopped.
"""

from __future__ import annotations

from pathlib import Path

from temporalio.client import WorkflowFailureError, WorkflowHistory

from tests.workflows.reindex_fakes import FakeCatalog, run_reindex
from workflows.reindex_messages import ReindexInput

WORKFLOW = "reindex"
DIRECTORIES = (WORKFLOW,)

SCENARIOS: dict[str, tuple[FakeCatalog, ReindexInput]] = {
    "three_ranges_published": (FakeCatalog(items=2_500), ReindexInput(batch_size=1_000)),
    "continued_as_new": (
        FakeCatalog(items=45),
        ReindexInput(batch_size=10, parallelism=2, ranges_per_run=3),
    ),
    "rejected_documents_dropped": (
        FakeCatalog(items=3_000, rejected_ids=frozenset({42})),
        ReindexInput(batch_size=1_000),
    ),
    "first_index_ever": (FakeCatalog(items=10, live=None), ReindexInput()),
    "empty_catalogue": (FakeCatalog(items=0), ReindexInput()),
    "invalid_request": (FakeCatalog(items=10), ReindexInput(batch_size=0)),
}


async def record(name: str, directory: Path) -> list[Path]:
    fake, request = SCENARIOS[name]
    runs: list[WorkflowHistory] = []
    try:
        await run_reindex(fake, request, keep=runs)
    except WorkflowFailureError:
        pass  # a failed reindex is a path too
    written = []
    for number, history in enumerate(runs, start=1):
        suffix = f"-run{number}" if len(runs) > 1 else ""
        path = directory / WORKFLOW / f"{name}{suffix}.json"
        path.write_text(history.to_json())
        written.append(path)
    return written
