"""CSV exports: one file per form, encoding and delimiter as the mapping declares.

>>> # read_csv_source(Path("samples/isa_cup"), spec.source)  -> SourceData
"""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from cup2std.errors import SourceError
from cup2std.readers.base import SourceData, text_frame, tidy_text_frame
from cup2std.readers.csv_fast import split_regular
from cup2std.spec.model import SourceSpec


def read_csv_source(folder: Path, source: SourceSpec) -> SourceData:
    """Read every declared form that exists in ``folder``; note the missing ones."""
    data = SourceData()
    for form in source.forms.values():
        path = folder / form.file
        if not path.exists():
            data.missing_forms.append(form.name)
            continue
        data.forms[form.name] = read_csv_form(path, source)
        data.files[form.name] = str(path)
    return data


def read_csv_form(path: Path, source: SourceSpec) -> pd.DataFrame:
    """Read one CSV form as text; structural problems raise SourceError with the row."""
    raw = path.read_bytes()
    encoding = source.encoding
    if encoding.lower().replace("_", "-") in ("utf-8", "utf8"):
        encoding = "utf-8-sig"  # tolerate a byte-order mark
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        row = raw[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"byte 0x{raw[exc.start]:02x} cannot be decoded as {source.encoding}; save the file "
            f"as {source.encoding} or set source.encoding in the mapping (e.g. cp1252)",
            file=str(path), row=row) from None
    if "\x00" in text:
        row = text[: text.index("\x00")].count("\n") + 1
        raise SourceError("contains a NUL byte: the file is damaged or not text in "
                          f"{source.encoding} (UTF-16?); export it again as {source.encoding}",
                          file=str(path), row=row)
    if not text.strip():
        raise SourceError("the file is empty (not even a header row); export the form again "
                          "or remove the file if nothing was collected", file=str(path))
    header = text.splitlines()[0]
    if source.delimiter not in header and len(header.split()) and any(
            d in header for d in (",", ";", "\t", "|") if d != source.delimiter):
        raise SourceError(f"the header has no '{source.delimiter}' but another delimiter; set "
                          "source.delimiter in the mapping to the file's delimiter",
                          file=str(path), row=1)
    return _parse(text, path, source.delimiter)


def _parse(text: str, path: Path, delimiter: str) -> pd.DataFrame:
    """Split a regular file fast; otherwise parse with the csv module, which names the row
    of a ragged record or an open quote."""
    regular = split_regular(text, delimiter)
    if regular is None:
        return _parse_csv(text, path, delimiter)
    header, cells = regular
    _check_header(header, path)
    return text_frame(header, cells)


def _check_header(header: list[str], path: Path) -> None:
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise SourceError(f"column(s) {', '.join(dup)} appear twice in the header; rename one",
                          file=str(path), row=1)


def _parse_csv(text: str, path: Path, delimiter: str) -> pd.DataFrame:
    """Parse with the csv module so that ragged rows and open quotes name their row."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise SourceError(f"malformed header: {exc}", file=str(path), row=1) from None
    _check_header(header, path)
    try:
        records = list(reader)  # the csv module's C loop; checks follow on the whole list
    except csv.Error as exc:
        raise SourceError(f"malformed CSV ({exc}); an opening quote is probably never "
                          "closed", file=str(path), row=reader.line_num) from None
    if reader.line_num and text.count('"') % 2:
        raise SourceError("a quote is opened but never closed", file=str(path),
                          row=reader.line_num)
    width = len(header)
    rows = [r for r in records if r and not (len(r) == 1 and not r[0].strip())]
    if any(len(r) != width for r in rows):
        _raise_ragged(text, path, delimiter, width)
    cells = np.empty((len(rows), width), dtype=object)
    if rows:
        cells[:] = rows
    return tidy_text_frame(pd.DataFrame(cells, columns=header, dtype=object))


def _raise_ragged(text: str, path: Path, delimiter: str, width: int) -> None:
    """Find the first record with the wrong number of fields and name its line."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    next(reader)
    for rec in reader:
        if rec and not (len(rec) == 1 and not rec[0].strip()) and len(rec) != width:
            raise SourceError(
                f"has {len(rec)} fields but the header has {width}; check for an "
                f"unquoted '{delimiter}' or a missing field", file=str(path), row=reader.line_num)
