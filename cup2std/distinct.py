"""Apply a Python function once per distinct value of a column (registry columns repeat a lot).

>>> map_distinct(pd.Series(["ab", "c", "ab"]), len).tolist()
[2, 1, 2]
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def map_distinct(values: pd.Series, fn, infer: bool = True) -> pd.Series:
    """``values.map(fn)`` computed on the distinct values only (NaN passed through as NaN).

    ``infer=False`` keeps the result an object column (for callers that convert it anyway:
    inferring the dtype scans and copies every row).

    >>> map_distinct(pd.Series(["a", "b"]), str.upper, infer=False).dtype
    dtype('O')
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [fn(u) for u in uniques]
    if (codes < 0).any():
        mapped.append(np.nan)
    out = np.empty(len(mapped), dtype=object)
    out[:] = mapped
    if not infer:
        return pd.Series(out[codes], index=values.index, dtype=object)
    return pd.Series(out[codes], index=values.index).infer_objects()


def per_distinct(values: pd.Series, fn, infer: bool = True) -> tuple[pd.Series, ...]:
    """Run a vectorised ``fn`` (Series -> tuple of Series) on the distinct values only and
    spread its results back to every row (text results as object columns if not ``infer``).

    >>> per_distinct(pd.Series(["a", "b", "a"]), lambda u: (u.str.upper(),))[0].tolist()
    ['A', 'B', 'A']
    """
    codes, uniques = pd.factorize(values.fillna("").astype(object), use_na_sentinel=False)
    results = fn(pd.Series(uniques, dtype=object))
    return tuple(_spread(r, codes, values.index, infer) for r in results)


def _spread(result: pd.Series, codes: np.ndarray, index: pd.Index, infer: bool) -> pd.Series:
    keep = result.dtype.kind in "Mfb"
    spread = np.asarray(result, dtype=result.dtype if keep else object)[codes]
    return pd.Series(spread, index=index, dtype=None if infer or keep else object)
