"""Apply a Python function once per distinct value of a column (registry columns repeat a lot).

>>> map_distinct(pd.Series(["ab", "c", "ab"]), len).tolist()
[2, 1, 2]
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def map_distinct(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` computed on the distinct values only (NaN passed through as NaN)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = [fn(u) for u in uniques]
    if (codes < 0).any():
        mapped.append(np.nan)
    out = np.empty(len(mapped), dtype=object)
    out[:] = mapped
    return pd.Series(out[codes], index=values.index).infer_objects()
