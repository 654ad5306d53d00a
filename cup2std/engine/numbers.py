"""Numbers as an export writes them -> numbers as SDTM wants them.

An export declares its decimal mark (``source.decimal``: ``.`` or ``,``) and optionally a
thousands separator (``source.thousands``). A value is read strictly in that style: with a
decimal comma ``68,5`` is 68.5 and ``68.5`` is *not a number* (it could be 685 written with a
thousands point), so a mixed export is reported instead of read wrongly.

>>> num, bad = parse_numbers(pd.Series(["68,5", "1.234,0", "68.5", ""]), ",", ".")
>>> num.tolist()[:2], bad.tolist()
([68.5, 1234.0], [False, False, True, False])
>>> parse_numbers(pd.Series(["68.5"]), ",")[1].tolist()
[True]
>>> number_text(pd.Series(["68,0", "72,50", "1.234", "", "x"]), ",", ".").tolist()
['68', '72.5', '1234', '', 'x']
"""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import pandas as pd

from cup2std.distinct import per_distinct

_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def plain_number_text(text: pd.Series, decimal: str = ".", thousands: str = "") -> pd.Series:
    """Rewrite to plain ``1234.5`` notation; values that are not numbers come back empty."""
    s = text.fillna("").astype(str).str.strip()
    if thousands:
        # A thousands separator is only legal between groups of three digits.
        grouped = s.str.fullmatch(rf"[+-]?\d{{1,3}}({re.escape(thousands)}\d{{3}})+"
                                  rf"({re.escape(decimal)}\d*)?")
        s = s.where(~grouped, s.str.replace(thousands, "", regex=False))
    if decimal != ".":
        s = s.where(~s.str.contains(".", regex=False), "\0")  # '.' is not a decimal mark here
        s = s.str.replace(decimal, ".", regex=False)
    ok = s.str.fullmatch(_PLAIN.pattern).fillna(False).astype(bool)
    return s.where(ok, "")


def parse_numbers(text: pd.Series, decimal: str = ".",
                  thousands: str = "") -> tuple[pd.Series, pd.Series]:
    """(floats, bad) where ``bad`` marks non-empty text that is not a number in this style.

    >>> parse_numbers(pd.Series(["3", "x"]))[1].tolist()
    [False, True]
    """
    def parse(raw: pd.Series) -> tuple[pd.Series, pd.Series]:
        raw = raw.astype(str).str.strip()
        num = pd.to_numeric(plain_number_text(raw, decimal, thousands), errors="coerce")
        num = num.astype(float)
        return num, num.isna() & raw.ne("")
    return per_distinct(text, parse)


def number_text(text: pd.Series, decimal: str = ".", thousands: str = "") -> pd.Series:
    """Numbers as SDTM character results show them: decimal point, no thousands separator,
    no trailing zeros after the point. Text that is not a number is kept as it is.

    >>> number_text(pd.Series(["0,50", "-3", "1e3"]), ",").tolist()
    ['0.5', '-3', '1000']
    """
    def canonical(raw: pd.Series) -> tuple[pd.Series]:
        raw = raw.astype(str).str.strip()
        plain = plain_number_text(raw, decimal, thousands)
        return (pd.Series([_canonical(p) if p else r for p, r in zip(plain, raw)],
                          index=raw.index, dtype=object),)
    return per_distinct(text, canonical)[0]


def _canonical(plain: str) -> str:
    try:
        out = format(Decimal(plain).normalize(), "f")
    except InvalidOperation:  # pragma: no cover - _PLAIN admits only valid decimals
        return plain
    return "0" if out in ("-0", "+0") else out
