"""Read an SDTM package (a folder of XPT files) into frames for the rules.

Packages written by other tools are welcome: text that is not UTF-8 is read as Windows-1252
(SAS on Windows) and reported (ENC001), names are upper-cased, and every record carries its
file and record number as provenance (``_SRC_FORM`` = dataset, ``_SRC_ROW`` = record).

>>> frames, files, widths, findings = read_package("tests/fixtures/cdisc-pilot")  # doctest: +SKIP
>>> sorted(frames)[:3]                                                           # doctest: +SKIP
['AE', 'DM', 'DS']
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat

from cup2std.errors import SourceError, UsageError
from cup2std.readers.base import SRC_FORM, SRC_ROW
from cup2std.validate.findings import Finding


def xpt_files(folder: Path) -> list[Path]:
    """The .xpt files of a folder (any case), sorted."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".xpt")


def read_package(folder: str | Path) -> tuple[dict, dict, dict, list[Finding]]:
    """frames (name -> DataFrame), files (name -> path), storage widths, reader findings."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such folder")
    paths = xpt_files(folder)
    if not paths:
        raise UsageError(f"{folder}: no .xpt files; give an SDTM folder, or a registry export "
                         "with --mapping")
    frames, files, widths, findings = {}, {}, {}, []
    for path in paths:
        df, meta, cp1252 = _read_xpt(path)
        name = (meta.table_name or path.stem).upper()
        df.columns = [c.upper() for c in df.columns]
        for c in df.columns:
            if df[c].dtype.kind == "O":
                df[c] = df[c].fillna("").astype(str)
        if cp1252:
            findings += _non_ascii(df, name, str(path))
        df[SRC_FORM] = name
        df[SRC_ROW] = range(1, len(df) + 1)
        frames[name] = df
        files[name] = str(path)
        widths[name] = {k.upper(): int(v) for k, v in
                        (meta.variable_storage_width or {}).items() if v}
    return frames, files, widths, findings


def _read_xpt(path: Path):
    try:
        df, meta = pyreadstat.read_xport(str(path))
        return df, meta, False
    except UnicodeDecodeError:
        pass
    except Exception as exc:  # pyreadstat raises its own types for a broken file
        raise SourceError(f"cannot be read as SAS XPORT ({exc}); is it an XPT v5 file?",
                          file=str(path)) from None
    try:
        df, meta = pyreadstat.read_xport(str(path), encoding="cp1252")
    except Exception as exc:
        raise SourceError(f"cannot be read as SAS XPORT ({exc})", file=str(path)) from None
    return df, meta, True


def _non_ascii(df: pd.DataFrame, name: str, file: str) -> list[Finding]:
    """One ENC001 finding per cell holding characters outside ASCII."""
    out = []
    for c in (c for c in df.columns if df[c].dtype.kind == "O"):
        bad = ~df[c].str.isascii()
        for idx in df.index[bad]:
            out.append(Finding("ENC001", "warning", f"{c} holds non-ASCII characters (read as "
                               "Windows-1252); FDA expects ASCII in XPT: transliterate them",
                               domain=name, variable=c, file=file, row=int(idx) + 1,
                               subject=str(df.at[idx, "USUBJID"]) if "USUBJID" in df else "",
                               value=df.at[idx, c]))
    return out
