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

import re

import numpy as np
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


def distinct_text(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes per row and the distinct values as stripped text; a missing cell has code -1,
    which indexes the '' appended last (so ``texts[codes]`` is the column as text).

    >>> codes, texts = distinct_text(pd.Series(["b ", None, "a", "b "]))
    >>> texts[codes].tolist()
    ['b', '', 'a', 'b']
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if len(uniques) and pd.api.types.infer_dtype(uniques, skipna=False) != "string":
        # Mixed objects (1 and 1.0 hash alike): factorize the text itself, as astype(str) would.
        codes, uniques = pd.factorize(values.fillna("").astype(str).astype(object))
    texts = np.empty(len(uniques) + 1, dtype=object)
    texts[:-1] = [u.strip() for u in uniques]
    texts[-1] = ""
    return codes, texts


_MEMO_LIMIT = 1_000_000  # distinct texts remembered per function before starting afresh


def _by_unique(dtype):
    """Run an elementwise ``fn`` on the distinct values only (dates repeat a lot), then
    spread back. Results are remembered per text, so the columns of a package (EXSTDTC and
    EXENDTC share most dates) and the rules that ask again compute each text once."""
    def decorate(fn):
        memo: dict = {}

        def wrapper(values: pd.Series) -> pd.Series:
            codes, texts = distinct_text(values)
            new = [t for t in dict.fromkeys(texts.tolist()) if t not in memo]
            if new:
                if len(memo) + len(new) > _MEMO_LIMIT:
                    memo.clear()
                memo.update(zip(new, fn(pd.Series(new, dtype=object)).to_numpy().tolist()))
            res = np.empty(len(texts), dtype=object)
            res[:] = [memo[t] for t in texts.tolist()]
            return pd.Series(res.astype(dtype)[codes], index=values.index)
        wrapper.__doc__, wrapper.__name__ = fn.__doc__, fn.__name__
        return wrapper
    return decorate


@_by_unique(bool)
def iso_syntax_ok(values: pd.Series) -> pd.Series:
    """True where the value is empty or ISO 8601 as SDTMIG allows (partial, '-' for unknown
    components, intervals and durations)."""
    v = _text(values)
    return v.eq("") | v.str.fullmatch(ISO_SDTM)


@_by_unique(bool)
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


@_by_unique(object)
def comparable(values: pd.Series) -> pd.Series:
    """The leading complete part of a date (YYYY, YYYY-MM, YYYY-MM-DD, ...T hh:mm[:ss])."""
    return _text(values).str.extract(_PREFIX)[0].fillna("")


def comparable_array(values: pd.Series) -> np.ndarray:
    """:func:`comparable` as an object array (no Series built per row).

    >>> comparable_array(pd.Series(["2020-07-14T10", "2020---14"])).tolist()
    ['2020-07-14', '2020']
    """
    codes, comp = _comparable_codes(values)
    return comp[codes]


def comparable_lengths(values: pd.Series) -> np.ndarray:
    """The length of :func:`comparable` per row (10 = a complete date), per distinct value.

    >>> comparable_lengths(pd.Series(["2020-07-14T10", "2020---14", None])).tolist()
    [10, 4, 0]
    """
    codes, comp = _comparable_codes(values)
    return np.fromiter(map(len, comp), dtype=np.int64, count=len(comp))[codes]


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
    # Per row only integers: each side is coded by its distinct values, and the prefixes of a
    # common length k are ranked over both sides' distinct values (rank order = text order).
    b = b.reindex(a.index) if len(b) != len(a) else b
    codes_a, comp_a = _comparable_codes(a)
    codes_b, comp_b = _comparable_codes(b)
    len_a = np.fromiter(map(len, comp_a), dtype=np.int64, count=len(comp_a))
    len_b = np.fromiter(map(len, comp_b), dtype=np.int64, count=len(comp_b))
    n = np.minimum(len_a[codes_a], len_b[codes_b])
    out = np.zeros(len(a), dtype=bool)
    for k in _LENGTHS:
        m = n == k
        if not m.any():
            continue
        rank_a, rank_b = _prefix_ranks(comp_a, comp_b, k)
        x, y = rank_a[codes_a[m]], rank_b[codes_b[m]]
        out[m] = (x > y) if op == "gt" else (x < y) if op == "lt" else (x != y)
    return pd.Series(out, index=a.index)


_PREFIX_RE = re.compile(_PREFIX)


def _comparable_codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Row codes and the comparable part of each distinct value (as :func:`comparable`)."""
    codes, texts = distinct_text(values)
    comp = np.empty(len(texts), dtype=object)
    comp[:] = [m.group(1) if (m := _PREFIX_RE.search(t)) else "" for t in texts]
    return codes, comp


def _prefix_ranks(comp_a: np.ndarray, comp_b: np.ndarray, k: int):
    """Ranks of the first ``k`` characters of every distinct value, over both sides."""
    both = np.empty(len(comp_a) + len(comp_b), dtype=object)
    both[:] = [t[:k] for t in comp_a] + [t[:k] for t in comp_b]
    _, rank = np.unique(both, return_inverse=True)
    rank = rank.reshape(-1)
    return rank[:len(comp_a)], rank[len(comp_a):]
