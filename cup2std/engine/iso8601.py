"""Dates as collected -> ISO 8601 as SDTM wants them, partial dates kept partial.

A format is ``ISO8601`` or a pattern of tokens ``YYYY MM MON DD hh mm ss`` and literal
characters (``DD.MM.YYYY``, ``MM.YYYY``, ``DD MON YYYY hh:mm``). Unknown parts written as
``UN``/``UK``/``UNK`` (or ``--``, ``XX``) are dropped, never guessed: right-truncation
(``UN JAN 2008`` -> ``2008-01``); an unknown month with a known day gives ``2008---15``.

>>> iso, err = to_iso(pd.Series(["14.07.2020", "UN.07.2020", "31.02.2020", ""]), ["DD.MM.YYYY"])
>>> iso.tolist()
['2020-07-14', '2020-07', '', '']
>>> err.tolist()[2]
'not a real calendar date'
"""
from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

from cup2std.distinct import per_distinct

_UNKNOWN = r"UN|UK|UNK|--|XX|un|uk|unk|xx"
_TOKENS = {
    "YYYY": rf"(?P<Y>\d{{4}}|UNKN|----|XXXX)",
    "MON": rf"(?P<M>[A-Za-z]{{3}}|{_UNKNOWN})",
    "MM": rf"(?P<M>\d{{1,2}}|{_UNKNOWN})",
    "DD": rf"(?P<D>\d{{1,2}}|{_UNKNOWN})",
    "hh": r"(?P<h>\d{1,2})",
    "mm": r"(?P<m>\d{2})",
    "ss": r"(?P<s>\d{2})",
}
_ISO = re.compile(r"^(?P<Y>\d{4})(?:-(?P<M>\d{2})(?:-(?P<D>\d{2})"
                  r"(?:T(?P<h>\d{2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)?)?)?$")
_MONTHS = {m: f"{i:02d}" for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
_MONTHS.update({"MRZ": "03", "MAI": "05", "OKT": "10", "DEZ": "12"})  # German abbreviations
_PARTS = ("Y", "M", "D", "h", "m", "s")


@lru_cache(maxsize=None)
def compile_format(fmt: str) -> re.Pattern:
    """Regex for one date format; ValueError names what is wrong with the format.

    >>> bool(compile_format("DD.MM.YYYY").match("01.02.2020"))
    True
    """
    if fmt == "ISO8601":
        return _ISO
    out, i, seen = "^", 0, set()
    while i < len(fmt):
        for tok in ("YYYY", "MON", "MM", "DD", "hh", "mm", "ss"):
            if fmt.startswith(tok, i):
                if tok in seen:
                    raise ValueError(f"date format '{fmt}' uses {tok} twice")
                seen.add(tok)
                out += _TOKENS[tok]
                i += len(tok)
                break
        else:
            ch = fmt[i]
            if ch.isalnum():
                raise ValueError(f"date format '{fmt}': '{ch}' at position {i + 1} is not one of "
                                 "YYYY, MM, MON, DD, hh, mm, ss or a separator")
            out += r"\s+" if ch == " " else re.escape(ch)
            i += 1
    if "YYYY" not in seen:
        raise ValueError(f"date format '{fmt}' has no YYYY")
    if "MM" in seen and "MON" in seen:
        raise ValueError(f"date format '{fmt}' uses both MM and MON")
    return re.compile(out + "$")


def to_iso(values: pd.Series, formats: list[str]) -> tuple[pd.Series, pd.Series]:
    """Convert collected dates to ISO 8601; return (iso, error) Series of str.

    Empty input gives empty output and no error. ``error`` is '' where the value converted.
    """
    return per_distinct(values, lambda u: _to_iso_distinct(u, formats), infer=False)


def _to_iso_distinct(values: pd.Series, formats: list[str]) -> tuple[pd.Series, pd.Series]:
    text = values.fillna("").astype(str).str.strip()
    if formats and formats[0] == "ISO8601":
        return _with_complete_iso_dates(text, formats)
    return _convert(text, formats)


_COMPLETE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?"


def _with_complete_iso_dates(text: pd.Series, formats: list[str]) -> tuple[pd.Series, pd.Series]:
    """Complete ISO dates and date-times to the minute or second (most values of an ISO
    export) need no parts: the value is its own ISO form when it is a real calendar date and
    time. The rest goes through :func:`_convert`.

    >>> iso, err = _with_complete_iso_dates(pd.Series(["2020-02-30", "2020-02-03T24:00",
    ...                                                "2020-02-03T08:15", "2020"]), ["ISO8601"])
    >>> iso.tolist(), err.tolist()[:2]
    (['', '', '2020-02-03T08:15', '2020'], ['not a real calendar date', 'not a real calendar date'])
    """
    complete = text.str.fullmatch(_COMPLETE).fillna(False).astype(bool)
    if not complete.any():
        return _convert(text, formats)
    real = pd.to_datetime(text.str[:10].where(complete), format="%Y-%m-%d",
                          errors="coerce").notna()
    for start, top in ((11, 23), (14, 59), (17, 59)):  # hh, mm, ss where written
        part = pd.to_numeric(text.str[start:start + 2].where(complete), errors="coerce")
        real &= ~(part > top)
    iso = pd.Series(np.where(real, text, ""), index=text.index, dtype=object)
    error = pd.Series(np.where(complete & ~real, "not a real calendar date", ""),
                      index=text.index, dtype=object)
    rest = ~complete
    if rest.any():
        iso[rest], error[rest] = _convert(text[rest], formats)
    return iso, error


def _convert(text: pd.Series, formats: list[str]) -> tuple[pd.Series, pd.Series]:
    """Match the formats in order, take the parts, assemble ISO 8601."""
    parts = pd.DataFrame({p: pd.Series(pd.NA, index=text.index, dtype=object) for p in _PARTS})
    matched = text.eq("")
    for fmt in formats:
        todo = ~matched
        if not todo.any():
            break
        got = text[todo].str.extract(compile_format(fmt))
        ok = got.notna().any(axis=1) & text[todo].str.match(compile_format(fmt))
        for p in _PARTS:
            if p in got:
                parts.loc[ok[ok].index, p] = got.loc[ok, p]
        matched.loc[ok[ok].index] = True
    error = pd.Series("", index=text.index, dtype=object)
    error[~matched] = f"does not match the date format{'s' if len(formats) > 1 else ''} " + \
        ", ".join(formats)
    iso, bad = _assemble(parts.where(matched, pd.NA))
    error[bad & matched] = "not a real calendar date"
    iso[~matched | bad] = ""
    return iso, error


def _known(col: pd.Series) -> pd.Series:
    s = col.fillna("").astype(str)
    return s.ne("") & ~s.str.fullmatch(rf"{_UNKNOWN}|UNKN|----|XXXX")


def _assemble(parts: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Build ISO strings from components; flag impossible values."""
    y = parts["Y"].fillna("").astype(str)
    mon = parts["M"].fillna("").astype(str).str.upper()
    m = mon.map(lambda v: _MONTHS.get(v, v))
    m = m.where(~m.str.fullmatch(r"\d"), "0" + m)
    d = parts["D"].fillna("").astype(str)
    d = d.where(~d.str.fullmatch(r"\d"), "0" + d)
    h = parts["h"].fillna("").astype(str)
    h = h.where(~h.str.fullmatch(r"\d"), "0" + h)
    mi, s = parts["m"].fillna("").astype(str), parts["s"].fillna("").astype(str)
    ky, km, kd = _known(parts["Y"]), _known(parts["M"]), _known(parts["D"])
    kh, kmi, ks = h.ne(""), mi.ne(""), s.ne("")
    bad = km & ~m.str.fullmatch(r"\d\d")  # an unknown month name such as 'FOO'
    mnum = pd.to_numeric(m.where(km & ~bad), errors="coerce")
    dnum = pd.to_numeric(d.where(kd), errors="coerce")
    bad |= (mnum < 1) | (mnum > 12) | (dnum < 1) | (dnum > 31)
    bad |= (pd.to_numeric(h.where(kh), errors="coerce") > 23)
    bad |= (pd.to_numeric(mi.where(kmi), errors="coerce") > 59)
    bad |= (pd.to_numeric(s.where(ks), errors="coerce") > 59)
    full = ky & km & kd & ~bad
    real = pd.to_datetime(y.where(full) + "-" + m.where(full) + "-" + d.where(full),
                          format="%Y-%m-%d", errors="coerce")
    bad |= full & real.isna()
    iso = y.where(ky, "")
    iso = iso + np.where(ky & km, "-" + m, np.where(ky & kd, "--", ""))
    iso = iso + np.where(ky & kd, "-" + d, "")
    timed = ky & km & kd & kh & kmi
    iso = iso + np.where(timed, "T" + h + ":" + mi, "") + np.where(timed & ks, ":" + s, "")
    iso = pd.Series(iso, index=parts.index, dtype=object).rename(None)
    return iso, bad.fillna(False).astype(bool)


def iso_to_date(iso: pd.Series) -> pd.Series:
    """Complete ISO dates (first 10 characters) as datetime64; partial dates give NaT."""
    return per_distinct(iso, lambda u: (_iso_to_date_distinct(u),))[0]


def _iso_to_date_distinct(iso: pd.Series) -> pd.Series:
    s = iso.fillna("").astype(str)
    full = s.str.match(r"^\d{4}-\d{2}-\d{2}")
    return pd.to_datetime(s.str[:10].where(full), format="%Y-%m-%d", errors="coerce")
