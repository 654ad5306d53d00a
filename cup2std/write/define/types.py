"""DataType, Length and SignificantDigits of a variable, from the values written.

Text: Length is the longest value in bytes (at least 1), which is the width XPT stores.
Numbers: ``integer`` when every value is whole, else ``float``; Length is the most digits
(sign included), SignificantDigits the most decimals. ISO 8601 variables (--DTC) get the
Define-XML date/time DataType their values need and no Length (Define-XML 2.1 gives Length
for text, integer and float only).

>>> item_type("AGE", pd.Series([63.0, 71.0, None]))
('integer', 2, None)
>>> item_type("VSSTRESN", pd.Series([72.5, 180.0]))
('float', 4, 1)
>>> item_type("AESTDTC", pd.Series(["2020-07-14", "2020-07"]))
('partialDate', None, None)
>>> item_type("AETERM", pd.Series(["Anemia", ""]))
('text', 6, None)
"""
from __future__ import annotations

import re

import pandas as pd


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PARTIAL_DATETIME = re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2}(\.\d+)?)?)?)?)?)?$")


def is_iso8601(name: str) -> bool:
    """SDTM timing variables holding ISO 8601 text: --DTC, --DUR, --ELTM."""
    return name.endswith(("DTC", "DUR", "ELTM")) or name in ("RFICDTC",)


def iso_type(values: pd.Series, name: str) -> str:
    """The narrowest Define-XML ISO 8601 DataType that fits every value."""
    if name.endswith(("DUR", "ELTM")):
        return "durationDatetime"
    # Distinct values only: dates repeat a lot.
    vals = [str(v) for v in pd.unique(values.to_numpy(dtype=object))
            if v is not None and v == v and str(v)]
    if all(_DATE.match(v) for v in vals):
        return "date"
    if all(_DATETIME.match(v) for v in vals):
        return "datetime"
    if all(_PARTIAL_DATE.match(v) for v in vals):
        return "partialDate"
    if all(_PARTIAL_DATETIME.match(v) for v in vals):
        return "partialDatetime"
    return "incompleteDatetime"


def item_type(name: str, values: pd.Series) -> tuple[str, int | None, int | None]:
    """(DataType, Length, SignificantDigits) for one variable's written values."""
    if values.dtype.kind in "fiu":
        nums = pd.to_numeric(values, errors="coerce").dropna()
        if nums.empty:
            return "integer", 1, None
        nums = pd.Series(pd.unique(nums.to_numpy()))
        if (nums == nums.round()).all():
            return "integer", max(len(str(int(v))) for v in nums), None
        text = [f"{abs(v):.15g}" for v in nums]
        decimals = max(len(t.partition(".")[2]) for t in text)
        whole = max(len(t.partition(".")[0]) for t in text)
        return "float", whole + decimals + int((nums < 0).any()), decimals
    if is_iso8601(name):
        return iso_type(values, name), None, None
    distinct = pd.unique(values.fillna("").astype(str).to_numpy(dtype=object))
    lens = [len(str(s).encode("ascii", "replace")) for s in distinct]
    return "text", max([1, *lens]), None
