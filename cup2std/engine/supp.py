"""Supplemental qualifiers: ``SUPP:<QNAM>`` columns of a domain frame -> SUPP-- records.

>>> ae = pd.DataFrame({"STUDYID": ["S"], "USUBJID": ["S-1"], "AESEQ": [1.0],
...                    "SUPP:AESI": ["Y"], "_SRC_FORM": ["ae"], "_SRC_ROW": [2]})
>>> build_supp("AE", ae, {("AE", "AESI"): {"label": "AE of Special Interest",
...            "qorig": "CRF", "qeval": ""}})[["IDVAR", "IDVARVAL", "QNAM", "QVAL"]].values.tolist()
[['AESEQ', '1', 'AESI', 'Y']]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cup2std.distinct import map_distinct
from cup2std.engine.mapper import SUBJECT, SUPP_PREFIX
from cup2std.readers.base import SRC_FORM, SRC_ROW

SUPP_COLUMNS = ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL",
                "QORIG", "QEVAL"]


def build_supp(dom: str, df: pd.DataFrame, supp_meta: dict) -> pd.DataFrame:
    """One SUPP-- record per non-empty supplemental value; DM has no IDVAR (one per subject)."""
    cols = [c for c in df.columns if c.startswith(SUPP_PREFIX)]
    if not cols:
        return pd.DataFrame(columns=SUPP_COLUMNS)
    seq = f"{dom}SEQ"
    prov = [c for c in (SRC_FORM, SRC_ROW, SUBJECT) if c in df]
    base = df[["STUDYID", "USUBJID"] + ([seq] if dom != "DM" else []) + prov + cols]
    long = base.melt(id_vars=[c for c in base.columns if c not in cols], var_name="QNAM",
                     value_name="QVAL")
    long["QVAL"] = long["QVAL"].fillna("").astype(str)
    long = long[long["QVAL"].ne("")].copy()
    long["QNAM"] = map_distinct(long["QNAM"], lambda q: q[len(SUPP_PREFIX):])
    long["RDOMAIN"] = dom
    if dom == "DM":
        long["IDVAR"], long["IDVARVAL"] = "", ""
    else:
        long["IDVAR"] = seq
        long["IDVARVAL"] = map_distinct(long[seq], lambda v: str(int(v)))
    for column, key in (("QLABEL", "label"), ("QORIG", "qorig"), ("QEVAL", "qeval")):
        long[column] = map_distinct(long["QNAM"], lambda q: supp_meta[(dom, q)].get(key, ""))
    # IDVARVAL sorts as the number it was made from (2 before 10); DM has none.
    long["_IDVARNUM"] = long[seq] if dom != "DM" else np.nan
    long = long.sort_values(["USUBJID", "_IDVARNUM", "QNAM"], kind="stable")
    return long[SUPP_COLUMNS + prov].reset_index(drop=True)


def drop_supp_columns(df: pd.DataFrame) -> pd.DataFrame:
    return df[[c for c in df.columns if not c.startswith(SUPP_PREFIX)]]
