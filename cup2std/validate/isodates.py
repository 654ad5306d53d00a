"""ISO 8601 as SDTM uses it, vectorised: syntax, real dates, comparison at common precision.

>>> s = pd.Series(["2020-07-14", "2020---14", "2020-7-14", "2020-02-30", "2020-07-14T25:00", ""])
>>> iso_syntax_ok(s).tolist()
[True, True, False, True, True, True]
>>> iso_real(s).tolist()
[True, True, True, False, False, True]
>>> after(pd.Series(["2021-02", "2021-01", "2021"]), pd.Series(["2021-01-31"] * 3)).tolist()
[True, False, False]
"""
from __future__ import annotations

import pandas as pd

_PART = r"(?:\d{2}|-)"
_DATETIME = (r"(?:\d{4}|-)(?:-" + _PART + r"(?:-" + _PART + r"(?:T" + _PART + r"(?::" + _PART
             + r"(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?")
_DURATION = r"-?P(?:\d+(?:\.\d+)?[YMWD])*(?:T(?:\d+(?:\.\d+)?[HMS])+)?"
ISO_SDTM = rf"(?:{_DATETIME}|{_DURATION})(?:/(?:{_DATETIME}|{_DURATION}))?"
_PARTS = (r"^(?P<Y>\d{4}|-)(?:-(?P<M>\d{2}|-)(?:-(?P<D>\d{2}|-)(?:T(?P<h>\d{2}|-)"
          r"(?::(?P<m>\d{2}|-)(?::(?P<s>\d{2}))?)?)?)?)?")
_PREFIX = r"^(\d{4}(?:-\d{2}(?:-\d{2}(?:T\d{2}:\d{2}(?::\d{2})?)?)?)?)"
_LENGTHS = (4, 7, 10, 16, 19)


def _text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip()


def _by_unique(fn):
    """Run ``fn`` on the distinct values only (dates repeat a lot), then spread back."""
    def wrapper(values: pd.Series) -> pd.Series:
        codes, uniques = pd.factorize(values.fillna("").astype(str), sort=False)
        if len(uniques) == 0:
            return fn(pd.Series([], dtype=object)).reindex(values.index)
        res = fn(pd.Series(uniques, dtype=object)).to_numpy()
        return pd.Series(res[codes], index=values.index)
    wrapper.__doc__, wrapper.__name__ = fn.__doc__, fn.__name__
    return wrapper


@_by_unique
def iso_syntax_ok(values: pd.Series) -> pd.Series:
    """True where the value is empty or ISO 8601 as SDTMIG allows (partial, '-' for unknown
    components, intervals and durations)."""
    v = _text(values)
    return v.eq("") | v.str.fullmatch(ISO_SDTM)


@_by_unique
def iso_real(values: pd.Series) -> pd.Series:
    """True unless a component is impossible (month 13, 30 February, hour 25)."""
    v = _text(values).str.split("/").str[0]
    p = v.str.extract(_PARTS)
    num = {k: pd.to_numeric(p[k], errors="coerce") for k in "YMDhms"}
    bad = (num["M"] < 1) | (num["M"] > 12) | (num["D"] < 1) | (num["D"] > 31)
    bad |= (num["h"] > 24) | (num["m"] > 59) | (num["s"] > 59)
    full = num["Y"].notna() & num["M"].notna() & num["D"].notna() & ~bad
    ymd = p["Y"] + "-" + p["M"] + "-" + p["D"]
    real = pd.to_datetime(ymd.where(full), format="%Y-%m-%d", errors="coerce")
    bad |= full & real.isna()
    return ~bad.fillna(False)


@_by_unique
def comparable(values: pd.Series) -> pd.Series:
    """The leading complete part of a date (YYYY, YYYY-MM, YYYY-MM-DD, ...T hh:mm[:ss])."""
    return _text(values).str.extract(_PREFIX)[0].fillna("")


def after(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where date ``a`` is certainly later than ``b`` (compared at common precision)."""
    return _compare(a, b, "gt")


def before(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where date ``a`` is certainly earlier than ``b``."""
    return _compare(a, b, "lt")


def differ(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where two dates certainly differ (at common precision)."""
    return _compare(a, b, "ne")


def _compare(a: pd.Series, b: pd.Series, op: str) -> pd.Series:
    ca, cb = comparable(a), comparable(b.reindex(a.index) if len(b) != len(a) else b)
    cb.index = ca.index
    n = pd.concat([ca.str.len(), cb.str.len()], axis=1).min(axis=1)
    out = pd.Series(False, index=ca.index)
    for k in _LENGTHS:
        m = n.eq(k)
        if m.any():
            x, y = ca[m].str[:k], cb[m].str[:k]
            out[m] = (x > y) if op == "gt" else (x < y) if op == "lt" else (x != y)
    return out
