"""Readers: a source (folder of CSV files, .xlsx workbook) -> SourceData.

Readers are plug-ins registered by kind; ``read_source`` picks one from the path.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from cup2std.errors import UsageError
from cup2std.readers.base import SRC_FORM, SRC_ROW, SourceData
from cup2std.readers.csv_reader import read_csv_source
from cup2std.readers.excel_reader import read_excel_source
from cup2std.spec.model import SourceSpec

READERS: dict[str, Callable[[Path, SourceSpec], SourceData]] = {
    "csv": read_csv_source,
    "excel": read_excel_source,
}


def source_kind(path: Path) -> str:
    """'csv' for a folder, 'excel' for .xlsx; UsageError otherwise."""
    if path.is_dir():
        return "csv"
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "excel"
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    raise UsageError(f"{path}: give a folder of CSV files or an .xlsx workbook")


def read_source(path: str | Path, source: SourceSpec) -> SourceData:
    """Read a source with the reader its kind needs."""
    path = Path(path)
    return READERS[source_kind(path)](path, source)


__all__ = ["READERS", "read_source", "source_kind", "SourceData", "SRC_ROW", "SRC_FORM"]
