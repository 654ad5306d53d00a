"""Text columns read once as plain Python strings.

pandas 3 turns ``astype(str)`` into its string dtype, whose element-wise methods (``.str.len``,
``.str.isascii``, ``fillna``) walk the column cell by cell in Python; over the ~14 million text
cells of a 10,000-patient package that was most of the XPT and Define-XML time. The hub's SDTM
views already hold text as ``object`` columns of ``str`` with '' for missing, so the writers can
take those strings as they are and work on whole columns (joins, numpy) or on distinct values.

>>> text_list(pd.Series(["a", None, 1.5], dtype=object))
['a', '', '1.5']
>>> is_printable_ascii(["ok", "fine"]), is_printable_ascii(["Fuß"]), is_printable_ascii(["a\\tb"])
(True, False, False)
>>> max_length(["ab", "", "abcd"]), max_length([])
(4, 0)
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def text_list(values: pd.Series) -> list[str]:
    """``values.fillna("").astype(str).tolist()``, taken as is when every cell is a ``str``."""
    return text_array(values).tolist()


def text_array(values: pd.Series) -> np.ndarray:
    """``values.fillna("").astype(str)`` as an object array of ``str``.

    >>> text_array(pd.Series(["a", float("nan")], dtype=object)).tolist()
    ['a', '']
    """
    arr = values.to_numpy(dtype=object)
    if len(arr) and pd.api.types.infer_dtype(arr, skipna=False) == "string":
        return arr
    return np.array(values.fillna("").astype(str).tolist(), dtype=object).reshape(len(values))


def is_printable_ascii(texts: list[str]) -> bool:
    """True when every character is printable ASCII (blank to tilde): one check over the
    joined text, since for ASCII ``str.isprintable`` is exactly that range."""
    joined = "".join(texts)
    return joined.isascii() and joined.isprintable()


def max_length(texts: list[str]) -> int:
    """Length of the longest text (0 for none)."""
    return max(map(len, texts), default=0)


def lengths(texts: list[str]) -> np.ndarray:
    """Length of every text, as an integer array."""
    return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
