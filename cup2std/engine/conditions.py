"""Conditions as data: ``where``/``when`` tests on source columns.

A test is ``{equals: v}``, ``{in: [..]}``, ``{not_in: [..]}`` or ``{present: true|false}``;
comparisons ignore case and surrounding blanks. All tests of a condition must hold.

>>> import pandas as pd
>>> from cup2std.engine.algorithms import MapContext
>>> ctx = MapContext.bare(pd.DataFrame({"cat": ["Concomitant", "prior"], "_SRC_ROW": [2, 3]}))
>>> condition_mask(ctx, {"cat": {"equals": "concomitant"}}).tolist()
[True, False]
"""
from __future__ import annotations

import pandas as pd


def condition_mask(ctx, where: dict) -> pd.Series:
    """Rows of ``ctx.rows`` that pass every test of ``where``."""
    mask = pd.Series(True, index=ctx.rows.index)
    for column, test in where.items():
        values = ctx.column(column).fillna("").astype(str).str.strip().str.lower()
        for kind, arg in test.items():
            if kind == "equals":
                mask &= values.eq(str(arg).strip().lower())
            elif kind == "in":
                mask &= values.isin([str(a).strip().lower() for a in arg])
            elif kind == "not_in":
                mask &= ~values.isin([str(a).strip().lower() for a in arg])
            elif kind == "present":
                present = values.ne("")
                mask &= present if _truthy(arg) else ~present
    return mask


def _truthy(arg) -> bool:
    return arg is True or str(arg).lower() in ("true", "yes", "1")
