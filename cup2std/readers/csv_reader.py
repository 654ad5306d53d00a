"""CSV exports: one file per form, encoding and delimiter as the mapping declares.

>>> # read_csv_source(Path("samples/isa_cup"), spec.source)  -> SourceData
"""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from cup2std.errors import SourceError
from cup2std.readers.base import SourceData, tidy_text_frame
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
    """Parse with the csv module so that ragged rows and open quotes name their row."""
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise SourceError(f"malformed header: {exc}", file=str(path), row=1) from None
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise SourceError(f"column(s) {', '.join(dup)} appear twice in the header; rename one",
                          file=str(path), row=1)
    rows, row_no = [], 1
    try:
        for rec in reader:
            row_no = reader.line_num
            if not rec or (len(rec) == 1 and not rec[0].strip()):
                continue
            if len(rec) != len(header):
                raise SourceError(
                    f"has {len(rec)} fields but the header has {len(header)}; check for an "
                    f"unquoted '{delimiter}' or a missing field", file=str(path), row=row_no)
            rows.append(rec)
    except csv.Error as exc:
        raise SourceError(f"malformed CSV ({exc}); an opening quote is probably never "
                          "closed", file=str(path), row=reader.line_num) from None
    if reader.line_num and text.count('"') % 2:
        raise SourceError("a quote is opened but never closed", file=str(path), row=row_no)
    return tidy_text_frame(pd.DataFrame(rows, columns=header, dtype=object))
