"""TS from the mapping's ``trial_summary`` list; TSPARM comes from CDISC CT, not the mapping.

>>> ts = build_ts("S1", [{"TSPARMCD": "STYPE", "TSVAL": "EXPANDED ACCESS"}])
>>> ts[["TSPARM", "TSSEQ"]].values.tolist()
[['Study Type', 1.0]]
"""
from __future__ import annotations

import pandas as pd

from cup2std.standards import load_ct


def build_ts(studyid: str, items: list[dict]) -> pd.DataFrame:
    """One TS record per item; TSSEQ counts repeats of the same parameter."""
    ct = load_ct()
    # TSPARM is the term of codelist TSPARM with the same NCI code as the TSPARMCD term.
    names = {t.code: t.submission_value for t in ct.codelist("TSPARM").values.values()}
    parmcd = ct.codelist("TSPARMCD")
    rows, seen = [], {}
    for item in items:
        code = item["TSPARMCD"]
        seen[code] = seen.get(code, 0) + 1
        rows.append({"STUDYID": studyid, "DOMAIN": "TS", "TSSEQ": float(seen[code]),
                     "TSPARMCD": code, "TSPARM": names.get(parmcd.values[code].code, parmcd.values[code].preferred_term),
                     "TSVAL": item.get("TSVAL", ""), "TSVALNF": item.get("TSVALNF", ""),
                     "TSVALCD": item.get("TSVALCD", ""), "TSVCDREF": item.get("TSVCDREF", ""),
                     "TSVCDVER": item.get("TSVCDVER", ""), "_SRC_FORM": "mapping",
                     "_SRC_ROW": 0})
    return pd.DataFrame(rows)
