"""CSV that is safe to open in a spreadsheet: no cell can start a formula.

OWASP (CSV Injection): a cell beginning with ``=``, ``+``, ``-``, ``@``, tab or carriage return
is prefixed with a single quote, so a spreadsheet shows it as text; every field is quoted.
Files are UTF-8 with a byte-order mark, which Excel needs to read UTF-8.

>>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-"), safe_cell("10 (55.6)")
('\\'=HYPERLINK("http://x")', "'-", '10 (55.6)')
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from cup2std.write.atomic import write_bytes_atomic

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """The cell as text, with a leading quote when it could be read as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """Quoted, formula-safe CSV (CRLF line ends, as RFC 4180) with a UTF-8 BOM.

    >>> csv_bytes(["a"], [["@SUM(1)"]]).decode("utf-8-sig").splitlines()
    ['"a"', '"\\'@SUM(1)"']
    """
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return buf.getvalue().encode("utf-8-sig")


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    """Write a formula-safe CSV atomically."""
    return write_bytes_atomic(Path(path), csv_bytes(header, rows))
