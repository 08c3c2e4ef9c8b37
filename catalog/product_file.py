"""Reading an operator's product file (CSV or JSON Lines) into (line, values) rows.

Unreadable lines and header mistakes are reported by line; checking the values of a
row is domain/catalog_rows.py's.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from catalog.import_report import ImportReport
from domain.catalog_rows import KNOWN, STOCK_PREFIX, RowError

FORMATS = ("csv", "jsonl")


def detect_format(path: Path, given: str | None) -> str:
    if given:
        return given
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".csv", ".txt"):
        return "csv"
    raise ValueError(f"Can't tell the format of {path.name}: give --format csv or --format jsonl.")


def read_rows(path: Path, fmt: str, report: ImportReport) -> Iterator[tuple[int, dict]]:
    """(line number, values) of each data row; unreadable lines go to report.errors."""
    with path.open("r", encoding="utf-8-sig", newline="") as handle:
        if fmt == "csv":
            yield from _csv_rows(handle, report)
        else:
            yield from _jsonl_rows(handle, report)


def _csv_rows(handle: io.TextIOBase, report: ImportReport) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(handle, restkey="\0extra")
    header = reader.fieldnames or []
    unknown = [c for c in header if c not in KNOWN and not c.startswith(STOCK_PREFIX)]
    for column in unknown:
        report.add_error(RowError(1, column, "is not a column of the product file"))
    if len(set(header)) != len(header):
        report.add_error(RowError(1, "header", "a column appears twice"))
    if unknown or not header:
        if not header:
            report.add_error(RowError(1, "header", "the file is empty"))
        return
    line = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except (csv.Error, UnicodeDecodeError) as exc:
            report.add_error(RowError(reader.line_num, "(row)", f"unreadable: {exc}"))
            return
        line_start, line = line + 1, reader.line_num
        if "\0extra" in values:
            report.add_error(
                RowError(line_start, "(row)", "more cells than the header has columns")
            )
            report.rows += 1
            report.skipped_lines.add(line_start)
            continue
        yield line_start, {k: v for k, v in values.items() if v is not None}


def _jsonl_rows(handle: io.TextIOBase, report: ImportReport) -> Iterator[tuple[int, dict]]:
    for line, raw in enumerate(_lines(handle, report), start=1):
        if raw is None:
            return
        if not raw.strip():
            continue
        try:
            values = json.loads(raw)
        except ValueError as exc:
            values = exc
        if not isinstance(values, dict):
            report.add_error(RowError(line, "(row)", "not a JSON object ({...} on one line)"))
            report.rows += 1
            report.skipped_lines.add(line)
            continue
        stock = values.pop("stock", None)  # {"stock": {"seattle": 5}} == "stock.seattle": 5
        if isinstance(stock, dict):
            values.update({f"{STOCK_PREFIX}{code}": units for code, units in stock.items()})
        elif stock is not None:
            values["stock"] = stock  # reported as an unknown column
        yield line, values


def _lines(handle: io.TextIOBase, report: ImportReport) -> Iterator[str | None]:
    line = 0
    while True:
        try:
            raw = handle.readline()
        except UnicodeDecodeError as exc:
            report.add_error(RowError(line + 1, "(row)", f"not UTF-8 text: {exc.reason}"))
            yield None
            return
        if raw == "":
            return
        line += 1
        yield raw
