"""Table 1: baseline characteristics, from DM, SUPPDM, VS, RS, MH and CM.

Each row names the SDTM variables it needs; a row whose variables are missing is skipped and
the table says which and why. Continuous rows are median (min, max), categorical n (%).
"""
from __future__ import annotations

import pandas as pd

from cup2std.report.context import Context, period_start
from cup2std.report.load import present
from cup2std.report.model import Table, median_range, n_pct

SEX = {"F": "Female", "M": "Male", "U": "Unknown", "UNDIFFERENTIATED": "Undifferentiated"}


def baseline_table(ctx: Context) -> Table:
    """Build Table 1; rows in the order of the published table.

    >>> baseline_table(ctx).values["Female"]      # doctest: +SKIP
    10
    """
    t = Table("table1_baseline", "Table 1. Baseline characteristics",
              ["Characteristic", f"All patients (N = {ctx.n})"], denominator=ctx.denominator())
    dm = ctx.within(ctx.pkg.domain("DM"))
    t.add("Patients, n", str(ctx.n), value=ctx.n, key="N")
    if "SITEID" in dm and present(dm["SITEID"]).any():
        t.add("Sites, n", str(dm["SITEID"].nunique()), value=int(dm["SITEID"].nunique()),
              key="sites")
    _sex(t, ctx, dm)
    if miss := ctx.pkg.missing("DM", ["AGE"]):
        t.skip("Age", miss)
    else:
        unit = str(dm["AGEU"].iloc[0]).lower() if "AGEU" in dm and len(dm) else "years"
        t.add(f"Age, {unit}, median (min, max)", median_range(dm["AGE"]), key="age",
              value=_summary(dm["AGE"]))
    for testcd in ctx.spec["baseline"]["vitals"]:
        _vital(t, ctx, testcd)
    _ecog(t, ctx)
    _time_from_diagnosis(t, ctx)
    qnam = ctx.spec["baseline"]["prior_lines_qnam"]
    if miss := ctx.pkg.missing("DM", [qnam]):
        t.skip("Prior lines of therapy", miss, f"missing SUPPDM.{qnam}")
    else:
        t.add("Prior lines of therapy, median (min, max)", median_range(dm[qnam]),
              key="prior_lines", value=_summary(dm[qnam]))
    _prior_therapies(t, ctx)
    _concomitant(t, ctx)
    return t


def _summary(values: pd.Series) -> tuple | None:
    v = pd.to_numeric(values, errors="coerce").dropna()
    return None if v.empty else (float(v.median()), float(v.min()), float(v.max()))


def _sex(t: Table, ctx: Context, dm: pd.DataFrame) -> None:
    if miss := ctx.pkg.missing("DM", ["SEX"]):
        t.skip("Sex", miss)
        return
    counts = dm["SEX"].str.upper().value_counts()
    order = [s for s in SEX if s in counts] + sorted(set(counts.index) - set(SEX))
    for code in order:
        label = SEX.get(code, code or "Not collected")
        t.add(f"Sex: {label.lower()}", n_pct(int(counts[code]), ctx.n), value=int(counts[code]),
              key=label)


def _baseline_records(ctx: Context, domain: str, testcd: str) -> tuple[pd.DataFrame, list]:
    """Records of one test flagged as baseline (--LOBXFL or --BLFL = Y), one per subject."""
    df = ctx.within(ctx.pkg.domain(domain))
    need = [f"{domain}TESTCD", f"{domain}STRESC"]
    miss = ctx.pkg.missing(domain, need)
    if miss:
        return pd.DataFrame(), miss
    df = df[df[f"{domain}TESTCD"] == testcd]
    flags = [f"{domain}{f}" for f in ctx.spec["baseline"]["flags"] if f"{domain}{f}" in df]
    if df.empty:
        return df, [f"{domain}.{domain}TESTCD = {testcd}"]
    if not flags:
        return pd.DataFrame(), [f"{domain}.{domain}{f}" for f in ctx.spec["baseline"]["flags"]]
    base = df[(df[flags] == "Y").any(axis=1)]
    return base.drop_duplicates("USUBJID"), []


def _vital(t: Table, ctx: Context, testcd: str) -> None:
    base, miss = _baseline_records(ctx, "VS", testcd)
    if miss:
        t.skip(f"{testcd.title()} at baseline", miss)
        return
    unit = base["VSSTRESU"].iloc[0] if "VSSTRESU" in base and len(base) else ""
    test = base["VSTEST"].iloc[0] if "VSTEST" in base and len(base) else testcd.title()
    values = pd.to_numeric(base.get("VSSTRESN", base["VSSTRESC"]), errors="coerce")
    t.add(f"{test} at baseline, {unit}, median (min, max)".replace(", ,", ","),
          median_range(values), key=testcd.lower(), value=_summary(values))
    _note_missing(t, ctx, base, test)


def _ecog(t: Table, ctx: Context) -> None:
    code = ctx.spec["baseline"]["ecog_testcd"]
    base, miss = _baseline_records(ctx, "RS", code)
    if miss:
        t.skip("ECOG performance status", miss)
        return
    counts = base["RSSTRESC"].value_counts()
    for grade in sorted(counts.index, key=lambda g: (len(g), g)):
        t.add(f"ECOG performance status {grade}", n_pct(int(counts[grade]), ctx.n),
              key=f"ECOG {grade}", value=int(counts[grade]))
    _note_missing(t, ctx, base, "ECOG performance status")


def _note_missing(t: Table, ctx: Context, records: pd.DataFrame, what: str) -> None:
    if records["USUBJID"].nunique() < ctx.n:
        t.notes.append(f"{what}: not collected for {ctx.n - records['USUBJID'].nunique()} "
                       f"of {ctx.n} patients")


def _time_from_diagnosis(t: Table, ctx: Context) -> None:
    cfg = ctx.spec["baseline"]["diagnosis"]
    if miss := ctx.pkg.missing("MH", ["MHCAT", "MHSTDTC"]):
        t.skip("Time from initial diagnosis", miss)
        return
    mh = ctx.within(ctx.pkg.domain("MH"))
    dx = mh[mh["MHCAT"] == cfg["mhcat"]].drop_duplicates("USUBJID").set_index("USUBJID")
    if dx.empty:
        t.skip("Time from initial diagnosis", [f"MH.MHCAT = {cfg['mhcat']}"])
        return
    ref = reference_dates(ctx, cfg["reference"])
    months, imputed = {}, 0
    for subj, row in dx.iterrows():
        if subj in ref:
            m, was_imputed = months_between(row["MHSTDTC"], ref[subj])
            if m is not None:
                months[subj] = m
                imputed += was_imputed
    values = pd.Series(months, dtype=float)
    unit = cfg["unit"]
    if unit == "completed_years":
        values, label = values // 12, "years (completed)"
    elif unit == "years":
        values, label = values / 12, "years"
    else:
        label = "months"
    t.add(f"Time from initial diagnosis, {label}, median (min, max)", median_range(values),
          key="time_from_diagnosis", value=_summary(values))
    t.notes.append(f"Time from initial diagnosis: MH.MHSTDTC (MHCAT {cfg['mhcat']}) to the "
                   f"first of {', '.join(cfg['reference'])}; whole months")
    if imputed:
        t.notes.append(f"Time from initial diagnosis: {imputed} diagnosis date(s) without a "
                       "month were taken as January")


def reference_dates(ctx: Context, sources: list[str]) -> dict[str, str]:
    """Per subject, the first reference date found: 'DS:<DSDECOD>' or 'DM:<variable>'."""
    out: dict[str, str] = {}
    for source in sources:
        dom, _, what = source.partition(":")
        df = ctx.within(ctx.pkg.domain(dom))
        if dom == "DS" and {"DSDECOD", "DSSTDTC"} <= set(df.columns):
            hits = df[(df["DSDECOD"] == what) & present(df["DSSTDTC"])]
            pairs = zip(hits["USUBJID"], hits["DSSTDTC"])
        elif dom == "DM" and what in df:
            hits = df[present(df[what])]
            pairs = zip(hits["USUBJID"], hits[what])
        else:
            continue
        for subj, date in pairs:
            out.setdefault(subj, date)
    return out


def months_between(start: str, end: str) -> tuple[int | None, bool]:
    """Whole months from a (partial) ISO start to an end date; (months, month imputed).

    >>> months_between("2012-04", "2020-07-17"), months_between("2019", "2020-03-01")
    ((99, False), (14, True))
    """
    s, e = period_start(start), period_start(end)
    if s is None or e is None:
        return None, False
    months = (e.year - s.year) * 12 + (e.month - s.month)
    if len(str(start)) >= 10 and len(str(end)) >= 10 and e.day < s.day:
        months -= 1
    return months, len(str(start)) < 7


def _prior_therapies(t: Table, ctx: Context) -> None:
    if miss := ctx.pkg.missing("CM", ["CMTRT", "CMPRESP", "CMOCCUR"]):
        t.skip("Prior therapies (pre-specified)", miss)
        return
    cm = ctx.within(ctx.pkg.domain("CM"))
    asked = cm[cm["CMPRESP"] == "Y"]
    rows = ctx.spec["baseline"]["prior_therapies"] or [
        {"label": f"Prior {trt.lower()}", "cmtrt": trt} for trt in asked["CMTRT"].unique()]
    for row in rows:
        these = asked[asked["CMTRT"].str.upper() == str(row["cmtrt"]).upper()]
        n = these.loc[these["CMOCCUR"] == "Y", "USUBJID"].nunique()
        t.add(row["label"], n_pct(n, ctx.n), value=n)
        if these["USUBJID"].nunique() < ctx.n:
            t.notes.append(f"{row['label']}: asked for {these['USUBJID'].nunique()} of "
                           f"{ctx.n} patients (CM.CMPRESP = Y, CMTRT {row['cmtrt']})")


def _concomitant(t: Table, ctx: Context) -> None:
    for row in ctx.spec["baseline"]["concomitant"]:
        dom, var = row["domain"], row["variable"]
        if miss := ctx.pkg.missing(dom, [var]):
            t.skip(row["label"], miss)
            continue
        df = ctx.within(ctx.pkg.domain(dom))
        n = df.loc[df[var] == row["value"], "USUBJID"].nunique()
        t.add(row["label"], n_pct(n, ctx.n), value=n)
