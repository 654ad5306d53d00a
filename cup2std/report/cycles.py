"""Treatment cycles read from EX, the way the report spec says (``cycles:``).

Default: cycle = VISITNUM // 100 for EX records whose VISIT names a cycle ("CYCLE 2 DAY 15"
-> VISITNUM 215 -> cycle 2). Alternative: ``variable: VISIT`` reads the number from VISIT with
``visit_pattern``'s first group. A package without cycle visits has no cycles (None).

>>> ex = pd.DataFrame({"VISITNUM": [101.0, 215.0, 3.0], "VISIT": ["CYCLE 1 DAY 1",
...                    "CYCLE 2 DAY 15", "WEEK 2"]})
>>> cycle_of_records(ex, {"variable": "VISITNUM", "divisor": 100,
...                       "visit_pattern": r"(?i)\\bcycle\\s*(\\d+)", "treatments": None}).tolist()
[1.0, 2.0, nan]
"""
from __future__ import annotations

import re

import pandas as pd

from cup2std.report.context import Context, to_date


def cycle_of_records(ex: pd.DataFrame, rule: dict) -> pd.Series:
    """Cycle number of each EX record (NaN when the record is not in a cycle)."""
    out = pd.Series(float("nan"), index=ex.index)
    if ex.empty:
        return out
    keep = pd.Series(True, index=ex.index)
    if rule.get("treatments") and "EXTRT" in ex:
        keep &= ex["EXTRT"].str.upper().isin([t.upper() for t in rule["treatments"]])
    pattern = rule.get("visit_pattern")
    if rule["variable"] == "VISIT":
        if "VISIT" not in ex or not pattern:
            return out
        num = pd.to_numeric(ex["VISIT"].str.extract(pattern, expand=False), errors="coerce")
        return num.where(keep)
    if "VISITNUM" not in ex:
        return out
    if pattern and "VISIT" in ex:
        found = re.compile(pattern).search
        keep &= ex["VISIT"].map(lambda v: bool(found(str(v))))
    visitnum = pd.to_numeric(ex["VISITNUM"], errors="coerce")
    return (visitnum // rule["divisor"]).where(keep)


def cycle_starts(ctx: Context) -> pd.DataFrame | None:
    """USUBJID, CYCLE, START (first EXSTDTC of the cycle) for the population; None if no cycles."""
    ex = ctx.within(ctx.pkg.domain("EX"))
    if ex.empty or "EXSTDTC" not in ex:
        return None
    frame = pd.DataFrame({"USUBJID": ex["USUBJID"],
                          "CYCLE": cycle_of_records(ex, ctx.spec["cycles"]),
                          "START": to_date(ex["EXSTDTC"])}).dropna(subset=["CYCLE"])
    if frame.empty:
        return None
    return frame.groupby(["USUBJID", "CYCLE"], as_index=False)["START"].min()


def cycles_received(ctx: Context) -> pd.Series | None:
    """Highest cycle number with a dose, per subject of the population (0 = none)."""
    starts = cycle_starts(ctx)
    if starts is None:
        return None
    top = starts.groupby("USUBJID")["CYCLE"].max()
    return top.reindex(ctx.subjects).fillna(0).astype(int)


def cycle_of_dates(usubjid: pd.Series, dates: pd.Series, starts: pd.DataFrame,
                   length_days: int | None) -> pd.Series:
    """Cycle in which each date falls: from its start to the next cycle's start (the last
    cycle ends ``length_days`` after its start, or never when None). NaN before cycle 1.

    >>> starts = pd.DataFrame({"USUBJID": ["A", "A"], "CYCLE": [1.0, 2.0],
    ...     "START": pd.to_datetime(["2020-01-01", "2020-01-29"])})
    >>> cycle_of_dates(pd.Series(["A", "A", "A"]), pd.to_datetime(pd.Series(["2020-01-28",
    ...     "2020-02-01", "2020-04-01"])), starts, 28).tolist()
    [1.0, 2.0, nan]
    """
    out = pd.Series(float("nan"), index=usubjid.index)
    by_subject = {k: g.sort_values("CYCLE") for k, g in starts.groupby("USUBJID")}
    for idx in usubjid.index:
        g, day = by_subject.get(usubjid[idx]), dates[idx]
        if g is None or pd.isna(day):
            continue
        begun = g[g["START"] <= day]
        if begun.empty:
            continue
        last = begun.iloc[-1]
        later = g[g["START"] > last["START"]]
        if later.empty and length_days and day >= last["START"] + pd.Timedelta(days=length_days):
            continue
        out[idx] = last["CYCLE"]
    return out
