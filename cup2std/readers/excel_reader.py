"""Excel workbooks: one sheet per form (sheet names as the mapping declares)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from cup2std.errors import SourceError
from cup2std.readers.base import SourceData, tidy_text_frame
from cup2std.spec.model import SourceSpec


def read_excel_source(path: Path, source: SourceSpec) -> SourceData:
    """Read the sheets of a workbook; a date cell becomes ISO 8601 text (time only if set)."""
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a broken workbook
        raise SourceError(f"cannot be read as an .xlsx workbook ({type(exc).__name__}); save it "
                          "again from Excel as .xlsx", file=str(path)) from None
    data = SourceData()
    for form in source.forms.values():
        if form.sheet not in sheets:
            data.missing_forms.append(form.name)
            continue
        df = sheets[form.sheet].map(lambda v: _cell_text(v, source.decimal)).dropna(how="all")
        data.forms[form.name] = tidy_text_frame(df)
        data.files[form.name] = f"{path}[{form.sheet}]"
    return data


def _cell_text(value: object, decimal: str = ".") -> object:
    """A cell as the text a CSV export of the same form would hold.

    Number cells are written with the export's decimal mark, so that a mapping reads a typed
    number and a number typed as text alike.

    >>> _cell_text(68.5, ","), _cell_text(3.0), _cell_text(dt.datetime(2020, 7, 1, 9, 30))
    ('68,5', '3', '2020-07-01T09:30')
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%dT%H:%M" if value.second == 0 else "%Y-%m-%dT%H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 3 as 3.0
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    return str(value)
