"""Value-level metadata: ValueListDef + WhereClauseDef where one variable holds several kinds
of value.

- SUPP--: QVAL by QNAM (label, origin, length and codelist per qualifier);
- Findings: the result variables (--ORRES, --ORRESU, --STRESC, --STRESN, --STRESU) by --TESTCD;
- Interventions with doses: the dose variables (--DOSE, --DOSU, --DOSFRM, --DOSFRQ, --ROUTE)
  by --TRT.

>>> import pandas as pd
>>> value_level_targets("VS", pd.DataFrame(columns=["VSTESTCD", "VSORRES", "VSSTRESN"]))
[('VSTESTCD', ['VSORRES', 'VSSTRESN'])]
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from cup2std.write.text import text_list

RESULTS = ("ORRES", "ORRESU", "STRESC", "STRESN", "STRESU")
DOSES = ("DOSE", "DOSU", "DOSFRM", "DOSFRQ", "ROUTE")


def value_level_targets(name: str, frame: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(where variable, variables described per value) pairs for one dataset."""
    if name.startswith("SUPP"):
        return [("QNAM", ["QVAL"])] if "QNAM" in frame else []
    out = []
    if f"{name}TESTCD" in frame:
        out.append((f"{name}TESTCD", [f"{name}{s}" for s in RESULTS if f"{name}{s}" in frame]))
    if f"{name}TRT" in frame and f"{name}DOSE" in frame:
        out.append((f"{name}TRT", [f"{name}{s}" for s in DOSES if f"{name}{s}" in frame]))
    return [(w, t) for w, t in out if t]


def oid_part(value: str) -> str:
    """A value made safe for an OID: letters, digits, '_', '-', '.'.

    >>> oid_part("EVERY 2 WEEKS")
    'EVERY_2_WEEKS'
    """
    return re.sub(r"[^A-Za-z0-9_.-]", "_", value)


def subsets(frame: pd.DataFrame, where: str, target: str) -> list[tuple[str, pd.Series]]:
    """(where value, target values of those records) for each value with data in ``target``.

    >>> df = pd.DataFrame({"QNAM": ["A", "B", "A"], "QVAL": ["x", "", "y"]}, dtype=object)
    >>> [(v, sub.tolist()) for v, sub in subsets(df, "QNAM", "QVAL")]
    [('A', ['x', 'y'])]
    """
    out = []
    # The where variable factorised once; each value's records found by its code.
    codes, keys = pd.factorize(np.array(text_list(frame[where]), dtype=object))
    code_of = {key: code for code, key in enumerate(keys)}
    values = frame[target]
    for value in sorted(set(code_of) - {""}):
        sub = values.iloc[np.flatnonzero(codes == code_of[value])]
        if _has_data(sub):
            out.append((value, sub))
    return out


def _has_data(values: pd.Series) -> bool:
    """Any value present: not missing, and for text columns not ''."""
    if values.dtype != object:
        return bool(values.notna().any())
    cells = values.to_numpy()
    return bool((pd.notna(cells) & (cells != "")).any())
