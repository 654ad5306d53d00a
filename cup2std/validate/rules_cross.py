"""Cross-domain consistency: deaths (AE, DM, DS), treatment emergence, exposure dates.

>>> dm = pd.DataFrame({"USUBJID": ["S-1"], "DTHFL": [""], "DTHDTC": [""]})
>>> ae = pd.DataFrame({"USUBJID": ["S-1"], "AEOUT": ["FATAL"], "AESDTH": ["Y"]})
>>> [f.rule for f in fatal_ae_death_flag({"DM": dm, "AE": ae}, RuleContext())]
['DTH001']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cup2std.validate.findings import Finding
from cup2std.validate.isodates import (
    after, before, comparable, comparable_array, differ, distinct_text,
)
from cup2std.validate.registry import Frames, RuleContext, col, dm_lookup, emit, key, rule

THEME = "cross"


def supp_value(frames: Frames, domain: str, qnam: str) -> pd.Series | None:
    """QVAL of ``qnam`` for each record of ``domain`` ('' where none); None if never given.

    Linked by USUBJID and IDVAR/IDVARVAL (usually --SEQ); a variable of that name in the
    parent itself wins.
    """
    parent = frames.get(domain)
    if parent is None:
        return None
    if qnam in parent:
        return col(parent, qnam)
    supp = frames.get(f"SUPP{domain}")
    if supp is None or "QNAM" not in supp:
        return None
    rows = supp[col(supp, "QNAM").eq(qnam)]
    if rows.empty:
        return None
    out = pd.Series("", index=parent.index, dtype=object)
    for idvar in col(rows, "IDVAR").unique():
        if idvar not in parent:
            continue
        these = rows[col(rows, "IDVAR").eq(idvar)]
        lookup = pd.Series(col(these, "QVAL").values,
                           index=key(these["USUBJID"], col(these, "IDVARVAL")).values)
        lookup = lookup[~lookup.index.duplicated()]
        found = key(parent["USUBJID"], col(parent, idvar)).map(lookup).fillna("")
        out = out.where(out.ne(""), found)
    return out


def _fatal(ae: pd.DataFrame) -> pd.Series:
    return col(ae, "AEOUT").eq("FATAL") | col(ae, "AESDTH").eq("Y")


@rule("DTH001", "error", "A subject with a fatal AE (AEOUT = FATAL or AESDTH = Y) has "
      "DM.DTHFL = Y", THEME)
def fatal_ae_death_flag(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae, dm = frames.get("AE"), frames.get("DM")
    if ae is None or dm is None or "USUBJID" not in ae or "DTHFL" not in dm:
        return []
    flag = dm_lookup(frames, "DTHFL", ae["USUBJID"])
    return emit(ctx, "DTH001", ae, _fatal(ae) & flag.ne("Y"),
                "the event is fatal but DM.DTHFL is not Y for the subject; record the death "
                "in DM (DTHFL, DTHDTC) or correct AEOUT/AESDTH", domain="AE",
                variable="AEOUT")


@rule("DTH002", "error", "DM.DTHFL = Y if and only if DS has a DSDECOD = DEATH record", THEME)
def death_flag_disposition(frames: Frames, ctx: RuleContext) -> list[Finding]:
    dm, ds = frames.get("DM"), frames.get("DS")
    if dm is None or ds is None or "DTHFL" not in dm or "DSDECOD" not in ds:
        return []
    died_ds = set(ds.loc[col(ds, "DSDECOD").eq("DEATH"), "USUBJID"])
    flagged = set(dm.loc[col(dm, "DTHFL").eq("Y"), "USUBJID"])
    out = emit(ctx, "DTH002", dm, col(dm, "DTHFL").eq("Y") & ~dm["USUBJID"].isin(died_ds),
               "DTHFL = Y but DS has no DSDECOD = DEATH record for the subject; add the "
               "disposition event", domain="DM", variable="DTHFL")
    out += emit(ctx, "DTH002", ds, col(ds, "DSDECOD").eq("DEATH") & ~ds["USUBJID"].isin(flagged),
                "DS records a death but DM.DTHFL is not Y; set DTHFL (and DTHDTC) in DM",
                domain="DS", variable="DSDECOD")
    return out


@rule("DTH003", "error", "Death dates agree: DS DEATH DSSTDTC = DM.DTHDTC; no AE starts after "
      "DTHDTC", THEME)
def death_dates(frames: Frames, ctx: RuleContext) -> list[Finding]:
    dm = frames.get("DM")
    if dm is None or "DTHDTC" not in dm:
        return []
    out = []
    ds = frames.get("DS")
    if ds is not None and {"DSDECOD", "DSSTDTC"} <= set(ds):
        dth = dm_lookup(frames, "DTHDTC", ds["USUBJID"])
        bad = col(ds, "DSDECOD").eq("DEATH") & dth.ne("") & differ(col(ds, "DSSTDTC"), dth)
        out += emit(ctx, "DTH003", ds, bad, "DSSTDTC of the DEATH record is " +
                    col(ds, "DSSTDTC")[bad] + " but DM.DTHDTC is " + dth[bad] +
                    "; the two must agree",
                    domain="DS", variable="DSSTDTC")
    ae = frames.get("AE")
    if ae is not None and "AESTDTC" in ae:
        dth = dm_lookup(frames, "DTHDTC", ae["USUBJID"])
        bad = after(col(ae, "AESTDTC"), dth)
        out += emit(ctx, "DTH003", ae, bad,
                    "AESTDTC is after the subject's death (DM.DTHDTC " + dth[bad] + "); one of "
                    "the dates is wrong", domain="AE", variable="AESTDTC")
    return out


@rule("DTH004", "error", "DM.DTHDTC given means DM.DTHFL = Y", THEME)
def death_date_flag(frames: Frames, ctx: RuleContext) -> list[Finding]:
    dm = frames.get("DM")
    if dm is None or "DTHDTC" not in dm:
        return []
    return emit(ctx, "DTH004", dm, col(dm, "DTHDTC").ne("") & col(dm, "DTHFL").ne("Y"),
                "DTHDTC is given but DTHFL is not Y (SDTMIG 3.4 DM assumption 9)", domain="DM",
                variable="DTHFL")


def _window_end(last: pd.Series, days: int) -> pd.Series:
    """The last day still treatment-emergent (complete last-dose dates only; else ''),
    computed once per distinct last-dose date."""
    codes, texts = distinct_text(last)
    comp = comparable(pd.Series(texts, dtype=object))
    end = pd.to_datetime(comp.where(comp.str.len().ge(10)).str[:10], format="%Y-%m-%d",
                         errors="coerce")
    limit = (end + pd.Timedelta(days=days)).dt.strftime("%Y-%m-%d").fillna("")
    return pd.Series(limit.to_numpy(dtype=object)[codes], index=last.index)


@rule("TEAE001", "error", "AETRTEM (SUPPAE) agrees with the onset date and exposure "
      "(RFXSTDTC/RFXENDTC, plus the mapping's window when known)", THEME)
def treatment_emergent(frames: Frames, ctx: RuleContext) -> list[Finding]:
    ae = frames.get("AE")
    flag = supp_value(frames, "AE", "AETRTEM")
    if ae is None or flag is None or "AESTDTC" not in ae:
        return []
    start = col(ae, "AESTDTC")
    first = dm_lookup(frames, "RFXSTDTC", ae["USUBJID"])
    last = dm_lookup(frames, "RFXENDTC", ae["USUBJID"])
    exposed = first.ne("")
    if "EX" in frames and "USUBJID" in frames["EX"]:
        exposed |= ae["USUBJID"].isin(set(frames["EX"]["USUBJID"]))
    y, n = flag.eq("Y"), flag.eq("N")
    out = emit(ctx, "TEAE001", ae, y & ~exposed, "AETRTEM = Y but the subject has no "
               "exposure (no EX record, no RFXSTDTC)", domain="AE", variable="AESTDTC",
               value=flag)
    bad = y & before(start, first)  # messages only for the flagged rows
    out += emit(ctx, "TEAE001", ae, bad, "AETRTEM = Y but the onset " + start[bad] +
                " is before the first dose (RFXSTDTC " + first[bad] + ")", domain="AE",
                variable="AESTDTC", value=flag)
    limit = last
    if ctx.teae_window is not None:
        limit = _window_end(last, ctx.teae_window)
        bad = y & after(start, limit)
        out += emit(ctx, "TEAE001", ae, bad, "AETRTEM = Y but the onset " + start[bad] +
                    f" is more than {ctx.teae_window} days after the last dose "
                    "(RFXENDTC " + last[bad] + ")", domain="AE", variable="AESTDTC",
                    value=flag)
    within = exposed & first.ne("") & start.ne("") & ~before(start, first) & \
        limit.ne("") & ~after(start, limit)
    bad = n & within
    out += emit(ctx, "TEAE001", ae, bad, "AETRTEM = N but the onset " + start[bad] +
                " is within treatment (RFXSTDTC " + first[bad] + " to " + limit[bad] + ")",
                domain="AE", variable="AESTDTC", value=flag)
    return out


def _per_subject(subjects: pd.Series, dates: np.ndarray, how: str) -> pd.Series:
    """The first ("min") or last ("max") non-empty date of each subject, in text order.

    Dates are ranked once (a sorted factorisation) so that the groups reduce integers.
    """
    keep = dates != ""
    ranks, ordered = pd.factorize(dates[keep], sort=True)
    best = pd.Series(ranks).groupby(subjects.to_numpy()[keep]).agg(how)
    return pd.Series(ordered[best.to_numpy()], index=best.index)


@rule("RFX001", "error", "Subjects with EX have RFXSTDTC = first EXSTDTC and RFXENDTC = last "
      "EXENDTC (or EXSTDTC); subjects without EX have neither", THEME)
def exposure_reference_dates(frames: Frames, ctx: RuleContext) -> list[Finding]:
    dm, ex = frames.get("DM"), frames.get("EX")
    if dm is None or ex is None or "RFXSTDTC" not in dm or "EXSTDTC" not in ex:
        return []
    st = comparable_array(col(ex, "EXSTDTC"))
    en = comparable_array(col(ex, "EXENDTC"))
    en = np.where(en != "", en, st)
    first = _per_subject(ex["USUBJID"], st, "min")
    last = _per_subject(ex["USUBJID"], en, "max")
    out = []
    for var, want in (("RFXSTDTC", first), ("RFXENDTC", last)):
        if var not in dm:
            continue
        have = col(dm, var)
        exp = dm["USUBJID"].map(want).fillna("").astype(object)
        wrong = exp.ne("") & (have.eq("") | differ(have, exp))
        out += emit(ctx, "RFX001", dm, wrong, var + " is " + have.replace("", "empty") +
                    " but EX gives " + exp + "; derive it from EX", domain="DM", variable=var)
        dosed = dm["USUBJID"].isin(set(ex["USUBJID"]))
        out += emit(ctx, "RFX001", dm, ~dosed & have.ne(""), var + " is set but the subject "
                    "has no EX record", domain="DM", variable=var)
    return out

