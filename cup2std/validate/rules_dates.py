"""Dates: ISO 8601 syntax, real calendar dates, start <= end, data cut-off, study days.

>>> ae = pd.DataFrame({"USUBJID": ["S-1"], "AESTDTC": ["2020-07-20"], "AEENDTC": ["2020-07-14"]})
>>> [f.rule for f in start_before_end({"AE": ae}, RuleContext())]
['DT003']
"""
from __future__ import annotations

import pandas as pd

from cup2std.engine.derive import study_day
from cup2std.validate.findings import Finding
from cup2std.validate.isodates import (
    after, comparable, comparable_lengths, iso_real, iso_syntax_ok,
)
from cup2std.validate.registry import Frames, RuleContext, col, dm_lookup, emit, rule

THEME = "dates"


def date_columns(df: pd.DataFrame) -> list[str]:
    """The --DTC variables of a frame (character, SDTM naming)."""
    return [c for c in df.columns if c.endswith("DTC") and not c.startswith("_")
            and df[c].dtype.kind == "O"]


@rule("DT001", "error", "--DTC values are ISO 8601 (partial dates allowed)", THEME)
def iso_syntax(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        for c in date_columns(df):
            out += emit(ctx, "DT001", df, ~iso_syntax_ok(df[c]), f"{c} is not ISO 8601 "
                        "(YYYY-MM-DDThh:mm:ss, right-truncated when partial, '-' for an unknown "
                        "component); convert it with a date format in the mapping",
                        domain=name, variable=c)
    return out


@rule("DT002", "error", "--DTC values are real calendar dates and times", THEME)
def real_dates(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        for c in date_columns(df):
            bad = iso_syntax_ok(df[c]) & ~iso_real(df[c])
            out += emit(ctx, "DT002", df, bad, f"{c} is not a real date or time (month, day "
                        "or hour out of range); correct it in the source", domain=name,
                        variable=c)
    return out


def _pairs(df: pd.DataFrame) -> list[tuple[str, str]]:
    starts = [c for c in df.columns if c.endswith("STDTC")]
    return [(s, s[:-5] + "ENDTC") for s in starts if s[:-5] + "ENDTC" in df]


@rule("DT003", "error", "A start date is not after its end date (--STDTC <= --ENDTC, "
      "RFSTDTC <= RFENDTC)", THEME)
def start_before_end(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        for st, en in _pairs(df):
            start, end = col(df, st), col(df, en)
            bad = after(start, end)  # messages only for the flagged rows
            out += emit(ctx, "DT003", df, bad, start[bad] + " (" + st + ") is after " +
                        end[bad] + " (" + en + "); one of the two dates is wrong",
                        domain=name, variable=st)
    return out


def data_cutoff(frames: Frames, ctx: RuleContext) -> str:
    """The data cut-off: TS DCUTDTC when present, else the ``--cutoff`` option ('' if none)."""
    ts = frames.get("TS")
    if ts is not None and {"TSPARMCD", "TSVAL"} <= set(ts):
        hit = col(ts, "TSVAL")[col(ts, "TSPARMCD").eq("DCUTDTC")]
        if len(hit) and comparable(hit).iloc[0]:
            return comparable(hit).iloc[0]
    return comparable(pd.Series([ctx.cutoff or ""])).iloc[0]


@rule("DT004", "error", "No date is after the data cut-off (TS DCUTDTC, or --cutoff)", THEME)
def after_cutoff(frames: Frames, ctx: RuleContext) -> list[Finding]:
    cut = data_cutoff(frames, ctx)
    if not cut:
        return []
    out = []
    for name, df in frames.items():
        for c in date_columns(df):
            bad = after(col(df, c), pd.Series(cut, index=df.index))
            out += emit(ctx, "DT004", df, bad, f"{c} is after the data cut-off {cut}; data "
                        "collected after the cut-off do not belong in this package",
                        domain=name, variable=c)
    return out


@rule("DT005", "error", "--DY/--STDY/--ENDY equal the study day of the date from DM.RFSTDTC",
      THEME)
def study_days(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        if name == "DM" or "USUBJID" not in df:
            continue
        ref = dm_lookup(frames, "RFSTDTC", df["USUBJID"])
        for c in [c for c in date_columns(df) if c[:-3] + "DY" in df]:
            dy = pd.to_numeric(df[c[:-3] + "DY"], errors="coerce")
            want = study_day(col(df, c), ref)
            wrong = dy.notna() & want.notna() & dy.ne(want)
            if wrong.any():
                fmt = lambda v: f"{v:g}"  # noqa: E731
                msg = (c[:-3] + "DY is " + dy[wrong].map(fmt).astype(object) + " but " + c + " " +
                       col(df, c)[wrong] + " is study day " + want[wrong].map(fmt).astype(object) +
                       " from RFSTDTC " + ref[wrong] + " (no day 0); derive it again")
                out += emit(ctx, "DT005", df, wrong, msg, domain=name, variable=c[:-3] + "DY")
            complete = pd.Series(comparable_lengths(col(df, c)) >= 10, index=df.index)
            orphan = dy.notna() & want.isna() & complete & ref.eq("")
            out += emit(ctx, "DT005", df, orphan, c[:-3] + "DY is set but the subject has no "
                        "RFSTDTC; a study day needs the reference start date", domain=name,
                        variable=c[:-3] + "DY")
    return out
