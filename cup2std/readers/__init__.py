"""Readers: a source (folder of CSV files, .xlsx workbook, CDISC ODM .xml) -> SourceData.

Readers are plug-ins registered by kind; ``read_source`` picks one from the path, then applies
the mapping's header renames (``columns:``) so that every reader serves every mapping feature.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from cup2std.errors import SourceError, UsageError
from cup2std.readers.base import SRC_FORM, SRC_ROW, SourceData
from cup2std.readers.csv_reader import read_csv_source
from cup2std.readers.excel_reader import read_excel_source
from cup2std.readers.fhir import looks_like_fhir, read_fhir
from cup2std.readers.odm import read_odm
from cup2std.spec.model import SourceSpec

READERS: dict[str, Callable[[Path, SourceSpec], SourceData]] = {
    "csv": read_csv_source,
    "excel": read_excel_source,
    "odm": read_odm,
    "fhir": read_fhir,
}


def source_kind(path: Path) -> str:
    """'csv' for a folder, 'excel' for .xlsx, 'odm' for .xml, 'fhir' for .ndjson/.json or a
    folder of them (and no .csv); UsageError otherwise."""
    if path.is_dir():
        return "fhir" if looks_like_fhir(path) else "csv"
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return "excel"
    if path.suffix.lower() == ".xml":
        return "odm"
    if path.suffix.lower() in (".ndjson", ".json"):
        return "fhir"
    raise UsageError(f"{path}: give a folder of CSV files, an .xlsx workbook, a CDISC ODM "
                     ".xml file or FHIR NDJSON/Bundles (.ndjson, .json or a folder of them)")


def read_source(path: str | Path, source: SourceSpec) -> SourceData:
    """Read a source with the reader its kind needs, then rename headers as the mapping says."""
    path = Path(path)
    kind = source_kind(path)
    if {"odm": "odm", "fhir": "fhir"}.get(kind, "tables") != source.kind:
        want = {"odm": "a CDISC ODM .xml file (its forms name item_group/odm_form)",
                "fhir": "FHIR NDJSON or Bundles (its forms name resource types)",
                "tables": "a folder of CSV files or an .xlsx workbook (its forms name files)"}
        raise UsageError(f"{path}: this mapping reads {want[source.kind]}; give such a source "
                         "or the mapping written for this export (FHIR: mappings/fhir_r4.yaml)")
    data = READERS[kind](path, source)
    for form, df in data.forms.items():
        data.forms[form] = rename_columns(df, source.renames(form), data.files[form])
    return data


def rename_columns(df, renames: dict[str, str], file: str):
    """Apply ``columns: {export header: mapping name}``; a clash names both headers.

    >>> import pandas as pd
    >>> rename_columns(pd.DataFrame({"Pat.-Nr.": ["1"]}), {"Pat.-Nr.": "patient_id"}, "f").columns.tolist()
    ['patient_id']
    """
    hits = {old: new for old, new in renames.items() if old in df.columns and old != new}
    if not hits:
        return df
    clash = [(old, new) for old, new in hits.items() if new in df.columns and new not in hits]
    if clash:
        old, new = clash[0]
        raise SourceError(f"header '{old}' is renamed to '{new}' by the mapping's columns:, but "
                          f"the file already has a column '{new}'; rename one of them",
                          file=file, row=1)
    return df.rename(columns=hits)


__all__ = ["READERS", "read_source", "source_kind", "SourceData", "SRC_ROW", "SRC_FORM"]
