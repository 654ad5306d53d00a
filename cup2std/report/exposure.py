"""Table 3: treatment exposure and disposition, from DS and EX.

Premature discontinuation = the subject's disposition event (DS.DSCAT as in the spec, default
DISPOSITION EVENT; the last by date when there are several) is not one of the spec's
``completed`` values. Reasons are DSDECOD, grouped as the spec says. Cycles received = the
highest cycle with a dose (see :mod:`cup2std.report.cycles`).
"""
from __future__ import annotations

import pandas as pd

from cup2std.report.context import Context
from cup2std.report.cycles import cycles_received
from cup2std.report.model import Table, n_pct


def disposition(ctx: Context) -> pd.DataFrame | None:
    """One row per subject of the population: USUBJID, DSDECOD, DSSTDTC, REASON, PREMATURE.

    None when DS or its needed variables are missing. REASON is the spec's group label.
    """
    if ctx.pkg.missing("DS", ["DSDECOD", "DSCAT"]):
        return None
    cfg = ctx.spec["disposition"]
    ds = ctx.within(ctx.pkg.domain("DS"))
    ds = ds[ds["DSCAT"] == cfg["dscat"]]
    if "DSSTDTC" in ds:
        ds = ds.sort_values(["USUBJID", "DSSTDTC"])
    last = ds.drop_duplicates("USUBJID", keep="last").copy()
    completed = {v.upper() for v in cfg["completed"]}
    last["PREMATURE"] = ~last["DSDECOD"].str.upper().isin(completed)
    last["REASON"] = last["DSDECOD"].map(lambda d: reason_group(d, cfg["reasons"]))
    if "DSSTDTC" not in last:
        last["DSSTDTC"] = ""
    return last[["USUBJID", "DSDECOD", "DSSTDTC", "REASON", "PREMATURE"]]


def reason_group(decod: str, groups: list[dict] | None) -> str:
    """The label of the first group listing ``decod`` ('*' matches anything), else DSDECOD.

    >>> reason_group("DEATH", [{"label": "Death", "values": ["DEATH"]},
    ...                        {"label": "Other", "values": "*"}])
    'Death'
    >>> reason_group("LOST TO FOLLOW-UP", None)
    'Lost to follow-up'
    """
    for g in groups or []:
        values = g["values"]
        if values == "*" or str(decod).upper() in {str(v).upper() for v in values}:
            return g["label"]
    return str(decod).capitalize()


def exposure_table(ctx: Context) -> Table:
    """Build Table 3; each figure in ``values``.

    >>> exposure_table(ctx).values["premature_yes"]        # doctest: +SKIP
    6
    """
    t = Table("table3_exposure", "Table 3. Treatment exposure and disposition",
              ["", f"n (%), N = {ctx.n}"], denominator=ctx.denominator())
    disp = disposition(ctx)
    if disp is None:
        t.skip("Premature discontinuation", ctx.pkg.missing("DS", ["DSDECOD", "DSCAT"]))
    else:
        cfg = ctx.spec["disposition"]
        yes = int(disp["PREMATURE"].sum())
        no = int((~disp["PREMATURE"]).sum())
        t.add("Premature discontinuation: yes", n_pct(yes, ctx.n), value=yes, key="premature_yes")
        t.add("Premature discontinuation: no", n_pct(no, ctx.n), value=no, key="premature_no")
        if ctx.n - yes - no:
            t.notes.append(f"{ctx.n - yes - no} patient(s) without a DS record of category "
                           f"{cfg['dscat']}")
        reasons = disp[disp["PREMATURE"]]["REASON"].value_counts()
        order = [g["label"] for g in cfg["reasons"] or []] or list(reasons.index)
        for label in order:
            n = int(reasons.get(label, 0))
            t.add(f"  Reason: {label.lower()}", n_pct(n, ctx.n), value=n, key=f"reason:{label}")
    received = cycles_received(ctx)
    if received is None:
        t.skip("Cycles received", ctx.pkg.missing("EX", ["VISITNUM", "EXSTDTC"]),
               "" if ctx.pkg.missing("EX", ["VISITNUM", "EXSTDTC"]) else
               "no EX record has a cycle visit; set cycles: in the report spec")
        return t
    for k in range(1, int(received.max()) + 1):
        n = int((received >= k).sum())
        t.add(f"Patients who received at least {k} cycle{'s' if k > 1 else ''}",
              n_pct(n, ctx.n), value=n, key=f"cycles>={k}")
    rule = ctx.spec["cycles"]
    t.notes.append("Cycle of a dose: " + (f"EX.VISITNUM // {rule['divisor']}"
                   if rule["variable"] == "VISITNUM" else "number in EX.VISIT")
                   + f" (records whose VISIT matches {rule['visit_pattern']}).")
    return t
