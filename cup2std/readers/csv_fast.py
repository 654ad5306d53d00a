"""The fast path of the CSV reader: regular files split with str methods in C loops.

The csv module builds a list per record (about 1.5 s for the 500,000 records of a
10,000-patient export); a regular file can be split much faster: lines without a quote are
split at the delimiter all at once, and only lines with a quote go through the csv module,
one line at a time. "Regular" means exactly what the csv module would read the same way:
no characters that ``str.splitlines`` breaks at but the csv module does not, every quoted
line complete on its own, every record as wide as the header. Anything else returns None
and the caller uses the csv module on the whole file, which also names the row of a problem.

>>> header, cells = split_regular('a,b\\n1,"x,y "\\n\\n 2 ,3\\n', ",")
>>> header, cells.tolist()
(['a', 'b'], [['1', 'x,y'], ['2', '3']])
>>> split_regular('a,b\\n1\\n', ",") is None       # ragged: the csv module names the row
True
"""
from __future__ import annotations

import csv

import numpy as np

from cup2std.readers.base import shared

# Line breaks of str.splitlines that the csv module reads as ordinary characters (looked
# for one by one: a literal search is many times faster than a character class).
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


_BLOCK_LINES = 20_000


def split_regular(text: str, delimiter: str) -> tuple[list[str], np.ndarray] | None:
    """(header, stripped cells as a records x columns object array), or None when the
    file is not regular (see the module docstring)."""
    if any(c in text for c in _OTHER_BREAKS) or text.count('"') % 2:
        return None
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return None
    header = _split_line(lines[0], delimiter)
    if header is None:
        return None
    width, body = len(header), lines[1:]
    widths = 1 + np.fromiter(map(str.count, body, [delimiter] * len(body)), dtype=np.int64,
                             count=len(body))
    quoted: dict[int, list[str]] = {}
    for i in (i for i, line in enumerate(body) if '"' in line):
        record = _split_line(body[i], delimiter)
        if record is None:
            return None
        quoted[i] = record
        widths[i] = len(record)
    # The csv reader's empty records: no field, or one field of blanks; they are skipped.
    blank = [i for i in np.flatnonzero(widths == 1)
             if not (quoted[i][0] if i in quoted else body[i]).strip()]
    widths[blank] = width
    if (widths != width).any():
        return None  # ragged: the csv module names the row
    for i in [*quoted, *blank]:
        body[i] = delimiter * (width - 1)  # placeholder: overwritten or deleted below
    cells = np.empty((len(body), width), dtype=object)
    seen: dict[str, str] = {}
    # In blocks of lines: splitting a whole file at once would hold a new str for every cell
    # (several GB at 100,000 patients) before equal ones are merged.
    for start in range(0, len(body), _BLOCK_LINES):
        part = delimiter.join(body[start:start + _BLOCK_LINES]).split(delimiter)
        cells[start:start + _BLOCK_LINES] = np.array(
            shared(map(str.strip, part), seen), dtype=object).reshape(-1, width)
    for i, record in quoted.items():
        cells[i] = shared((v.strip() for v in record), seen)
    return header, np.delete(cells, blank, axis=0) if blank else cells


def _split_line(line: str, delimiter: str) -> list[str] | None:
    """One line as the csv module reads it; None if its quoting is not complete on the line."""
    if '"' not in line:
        return line.split(delimiter)
    try:
        records = list(csv.reader([line], delimiter=delimiter, strict=True))
    except csv.Error:
        return None
    return records[0] if len(records) == 1 else None
