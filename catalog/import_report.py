"""What `shopflow catalog import` did to a file: counts, every error by line and field."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from domain.catalog_rows import RowError

MAX_ERRORS_KEPT = 10_000  # a file that is wrong everywhere still gets a bounded report


class ImportFailed(Exception):
    """The file had errors and nothing was applied (see `report.errors`)."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} error(s); nothing was imported")
        self.report = report


@dataclass
class ImportReport:
    path: str
    rows: int = 0  # data rows read
    inserted: int = 0
    updated: int = 0
    stock_changes: int = 0  # (item, warehouse) stock levels changed
    errors: list[RowError] = field(default_factory=list)
    skipped_lines: set[int] = field(default_factory=set)
    seconds: float = 0.0
    skipped_report: str | None = None

    @property
    def applied(self) -> int:
        return self.rows - len(self.skipped_lines)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.stock_changes)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        return (
            f"{self.rows:,} rows in {self.seconds:.1f} s ({self.rows_per_s:,.0f} rows/s): "
            f"{self.inserted:,} new, {self.updated:,} updated, "
            f"{self.applied - self.inserted - self.updated:,} unchanged, "
            f"{self.stock_changes:,} stock levels changed, {len(self.skipped_lines):,} skipped"
        )

    def add_error(self, error: RowError) -> None:
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(error)


def write_skipped(target: Path, errors: list[RowError]) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "field", "message"])
        for error in sorted(errors, key=lambda e: e.line):
            writer.writerow([error.line, error.field, error.message])
