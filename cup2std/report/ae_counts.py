"""The adverse-event counts a publication states in its text, as a two-column table.

Events and patients with AEs, TEAEs, TEAEs in cycle 1 (and within N days of the first dose),
related TEAEs per drug, serious related TEAEs, AEs of special interest, TEAEs leading to
withdrawal of the investigational product, outcome per patient, serious and fatal.
"""
from __future__ import annotations

import pandas as pd

from cup2std.report.ae_data import AEData
from cup2std.report.context import Context, to_date
from cup2std.report.cycles import cycle_of_dates, cycle_starts
from cup2std.report.model import Table, n_pct

LIST_MAX = 12  # events listed by name beside a count


def ae_counts(ctx: Context, data: AEData) -> Table:
    """Build the text-count table; each row's figure is in ``values`` under a stable key.

    >>> ae_counts(ctx, ae_frame(ctx)).values["teae_events"]       # doctest: +SKIP
    28
    """
    cfg = ctx.spec["adverse_events"]
    ip = ctx.ip or "the investigational product"
    t = Table("text_ae_counts", "Adverse events: counts stated in the text", ["Count", "Value"],
              denominator=ctx.denominator() + " Event percentages are of the events named.")
    ae, N = data.ae, ctx.n
    te = ae[ae["TEAE"]]
    pts = lambda df: int(df["USUBJID"].nunique())  # noqa: E731
    t.add("Adverse events (all, events)", str(len(ae)), value=len(ae), key="ae_events")
    t.add("Patients with adverse events", n_pct(pts(ae), N), value=pts(ae), key="ae_patients")
    pre = ae[~ae["TEAE"]]
    t.add("Adverse events not treatment-emergent (events)", _listed(pre, data),
          value=len(pre), key="non_teae_events")
    t.add("Treatment-emergent AEs (events)", str(len(te)), value=len(te), key="teae_events")
    t.add("Patients with TEAEs", n_pct(pts(te), N), value=pts(te), key="teae_patients")
    _cycle_one(t, ctx, data, te)
    if data.has["RELATED"]:
        rel = te[te["RELATED"]]
        t.add(f"TEAEs related to {ip} (events, % of TEAEs)", n_pct(len(rel), len(te)),
              value=len(rel), key="related_events")
        if data.has["HIGH"]:
            hi = rel[rel["HIGH"]]
            t.add(f"TEAEs related to {ip}, grade >= {cfg['high_grade']} (events)",
                  _listed(hi, data), value=len(hi), key="related_high_events")
            t.add(f"Patients with TEAEs related to {ip}, grade >= {cfg['high_grade']}",
                  n_pct(pts(hi), N), value=pts(hi), key="related_high_patients")
        t.add(f"Patients with TEAEs related to {ip}", n_pct(pts(rel), N), value=pts(rel),
              key="related_patients:IP")
        for drug, col in data.other_drugs.items():
            n = pts(te[te[col]])
            t.add(f"Patients with TEAEs related to {drug.lower()}", n_pct(n, N), value=n,
                  key=f"related_patients:{drug}")
        if data.has["SERIOUS"]:
            sr = rel[rel["SERIOUS"]]
            t.add(f"Serious TEAEs related to {ip} (events)", _listed(sr, data, action=True),
                  value=len(sr), key="serious_related_events")
    else:
        t.skip("related TEAEs", data.missing["RELATED"])
    if data.has["AESI"]:
        si = te[te[cfg["aesi_qnam"]] == "Y"]
        t.add("TEAEs of special interest (events)", _listed(si, data), value=len(si),
              key="aesi_events")
    if data.has["AEACN"]:
        wd = te[te["AEACN"].str.upper().isin([v.upper() for v in cfg["withdrawn_values"]])]
        t.add(f"Patients with TEAEs leading to permanent discontinuation of {ip}",
              n_pct(pts(wd), N), value=pts(wd), key="withdrawn_patients")
        t.add(f"TEAEs leading to permanent discontinuation of {ip} (events)", _listed(wd, data),
              value=len(wd), key="withdrawn_events")
    else:
        t.skip("TEAEs leading to discontinuation", ["AE.AEACN"])
    _outcomes(t, ctx, data)
    if data.has["SERIOUS"]:
        t.add("Patients with serious TEAEs", n_pct(pts(te[te["SERIOUS"]]), N),
              value=pts(te[te["SERIOUS"]]), key="serious_patients")
    return t


def _listed(df: pd.DataFrame, data: AEData, action: bool = False) -> str:
    """'n: term (grade G, serious), ...' so that a reader can check the events behind n."""
    if df.empty:
        return "0"
    items = []
    for _, r in df.iterrows():
        bits = [f"grade {_grade(r)}"] if _grade(r) else []
        if r.get("SERIOUS") is True:
            bits.append("serious")
        if action and data.has["AEACN"] and r["AEACN"]:
            bits.append(str(r["AEACN"]).lower())
        items.append(f"{r['AEDECOD']}" + (f" ({', '.join(bits)})" if bits else ""))
    shown = items[:LIST_MAX] + ([f"... {len(items) - LIST_MAX} more"]
                                if len(items) > LIST_MAX else [])
    return f"{len(df)}: " + "; ".join(shown)


def _grade(row) -> str:
    g = pd.to_numeric(pd.Series([row.get("AETOXGR")]), errors="coerce").iloc[0]
    return "" if pd.isna(g) else str(int(g))


def _cycle_one(t: Table, ctx: Context, data: AEData, te: pd.DataFrame) -> None:
    if not data.has["AESTDTC"]:
        t.skip("TEAEs in cycle 1", ["AE.AESTDTC"])
        return
    starts = cycle_starts(ctx)
    if starts is None:
        t.skip("TEAEs in cycle 1", [], "no treatment cycles in EX (see the report spec, cycles)")
        return
    onset = to_date(te["AESTDTC"])
    cyc = cycle_of_dates(te["USUBJID"], onset, starts, ctx.spec["cycles"]["length_days"])
    first = te["USUBJID"].map(starts[starts["CYCLE"] == 1].set_index("USUBJID")["START"])
    in_one = cyc == 1
    t.add("TEAEs beginning in cycle 1 (events, % of TEAEs)", n_pct(int(in_one.sum()), len(te)),
          value=int(in_one.sum()), key="cycle1_events")
    days = ctx.spec["adverse_events"]["early_onset_days"]
    if days is not None:
        early = in_one & ((onset - first).dt.days <= days)
        t.add(f"  of these, on the first day of cycle 1 or at most {days} days after",
              str(int(early.sum())), value=int(early.sum()), key="cycle1_early_events")
    later = int((~in_one).sum())
    t.add("TEAEs beginning after cycle 1 (events, % of TEAEs)", n_pct(later, len(te)),
          value=later, key="later_events")


def _outcomes(t: Table, ctx: Context, data: AEData) -> None:
    """Per patient with AEs: died (any fatal AE) > not recovered (any) > recovered."""
    if not data.has["AEOUT"]:
        t.skip("outcome per patient", ["AE.AEOUT"])
        return
    cfg = ctx.spec["adverse_events"]["outcome"]
    ae = data.ae
    fatal = set(ae.loc[ae["AEOUT"].isin(cfg["fatal"]), "USUBJID"])
    open_ = set(ae.loc[ae["AEOUT"].isin(cfg["not_recovered"]), "USUBJID"]) - fatal
    everyone = set(ae["USUBJID"])
    n = len(everyone)
    rec = len(everyone - fatal - open_)
    t.add(f"Patients with AEs: recovered (% of {n})", n_pct(rec, n), value=rec, key="recovered")
    t.add(f"Patients with AEs: not recovered (% of {n})", n_pct(len(open_), n),
          value=len(open_), key="not_recovered")
    t.add(f"Patients with AEs: died (fatal AE, % of {n})", n_pct(len(fatal), n),
          value=len(fatal), key="fatal_patients")
