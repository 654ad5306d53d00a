"""Controlled terminology: values of CDISC codelists (SDTM CT 2025-03-28).

A variable with several codelists (DSDECOD) accepts the union of their terms; it is judged
extensible when any of them is.

>>> dm = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "SEX": ["F", "female"]})
>>> [f.value for f in ct_non_extensible({"DM": dm}, RuleContext())]
['female']
"""
from __future__ import annotations

import pandas as pd

from cup2std.standards import load_ct
from cup2std.validate.findings import Finding
from cup2std.validate.registry import Frames, RuleContext, col, emit, meta, rule

THEME = "ct"


def _ct_findings(frames: Frames, ctx: RuleContext, extensible: bool, rid: str) -> list[Finding]:
    ct = load_ct()
    fix = ("Map it under value_maps in the mapping." if ctx.kind == "hub" else
           "Use the submission value of the codelist.")
    out = []
    for name, df in frames.items():
        m = meta(name)
        if m is None:
            continue
        for var in m.variables.values():
            lists = [cl for cl in (ct.get(c) for c in var.codelists) if cl is not None]
            if not lists or var.name not in df:
                continue
            if any(cl.extensible for cl in lists) != extensible:
                continue
            allowed_set = set().union(*(cl.values for cl in lists))
            vals = col(df, var.name)
            bad = vals.ne("") & ~vals.isin(allowed_set)
            if not bad.any():
                continue
            names = "/".join(f"{cl.code} ({cl.submission_value})" for cl in lists)
            shown = sorted(allowed_set)
            allowed = ", ".join(shown[:8]) + (" ..." if len(shown) > 8 else "")
            # The value itself is in the finding's value field (report files), not the message.
            msg = vals[bad].map(lambda v: f"value is not in codelist {names}"
                           f"{' (extensible)' if extensible else ''}. Allowed: {allowed}. {fix}")
            out += emit(ctx, rid, df, bad, msg, domain=name, variable=var.name, value=vals)
    return out


@rule("CT001", "error", "Values of non-extensible CDISC codelists are terms of the codelist",
      THEME)
def ct_non_extensible(frames: Frames, ctx: RuleContext) -> list[Finding]:
    return _ct_findings(frames, ctx, False, "CT001")


@rule("CT002", "warning", "Values of extensible CDISC codelists are terms of the codelist",
      THEME)
def ct_extensible(frames: Frames, ctx: RuleContext) -> list[Finding]:
    return _ct_findings(frames, ctx, True, "CT002")
