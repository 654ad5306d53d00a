"""SDTM derivations, each a frames-in, frames-out step that knows SDTM, not the registry.

Order matters and is fixed in :func:`derive_all`: reference dates need EX, study days need
RFSTDTC, --SEQ comes last so that it numbers the final records.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cup2std.engine.iso8601 import iso_to_date
from cup2std.engine.mapper import SUPP_PREFIX
from cup2std.readers.base import SRC_ROW
from cup2std.spec.model import MappingSpec
from cup2std.standards import load_sdtmig

Frames = dict[str, pd.DataFrame]


def derive_all(spec: MappingSpec, frames: Frames, supp_meta: dict) -> Frames:
    """Run every derivation in order; returns the same dict, frames updated."""
    derive_reference_dates(frames, spec.derivations.reference_dates)
    derive_death_flag(frames)
    derive_actual_arm(frames, spec.derivations.actual_arm_if_untreated)
    for dom in list(frames):
        if dom == "DM":
            continue
        derive_study_days(frames, dom)
        derive_epoch(frames, dom, spec.derivations.epochs)
        derive_lobxfl(frames, dom)
    if spec.derivations.treatment_emergent and "AE" in frames:
        derive_treatment_emergent(frames, spec.derivations.treatment_emergent, supp_meta)
    for dom in list(frames):
        derive_seq(frames, dom)
    return frames


def _dm_lookup(frames: Frames, var: str) -> pd.Series:
    dm = frames["DM"]
    if var not in dm:
        return pd.Series(dtype=object)
    return dm.drop_duplicates("USUBJID").set_index("USUBJID")[var]


def derive_reference_dates(frames: Frames, rules: dict[str, dict]) -> None:
    """RF*DTC as the first or last of other dates per subject (ISO strings compare in time).

    >>> dm = pd.DataFrame({"USUBJID": ["S-1"]})
    >>> ex = pd.DataFrame({"USUBJID": ["S-1", "S-1"], "EXSTDTC": ["2020-08-01", "2020-07-14"]})
    >>> f = {"DM": dm, "EX": ex}
    >>> derive_reference_dates(f, {"RFXSTDTC": {"first": ["EX.EXSTDTC"]}})
    >>> f["DM"]["RFXSTDTC"].tolist()
    ['2020-07-14']
    """
    dm = frames["DM"]
    for target, rule in rules.items():
        how, sources = next(iter(rule.items()))
        pieces = []
        for ref in sources:
            dom, _, var = ref.partition(".")
            df = frames.get(dom)
            if df is None or var not in df:
                continue
            vals = df[["USUBJID", var]].rename(columns={var: "d"})
            pieces.append(vals[vals["d"].fillna("").astype(str).ne("")])
        if not pieces:
            dm[target] = dm.get(target, pd.Series("", index=dm.index)).fillna("")
            continue
        dm[target] = dm["USUBJID"].map(_first_or_last(pd.concat(pieces), how))\
            .fillna("").astype(object)


def _first_or_last(values: pd.DataFrame, how: str) -> pd.Series:
    """USUBJID -> the smallest ('first') or largest ISO string of column ``d``.

    Works on the codes of the distinct values sorted as str (a groupby min over strings
    compares them group by group in Python).

    >>> v = pd.DataFrame({"USUBJID": ["a", "a", "b"], "d": ["2020-02", "2020-01-05", "2019"]})
    >>> _first_or_last(v, "first").to_dict(), _first_or_last(v, "last").to_dict()
    ({'a': '2020-01-05', 'b': '2019'}, {'a': '2020-02', 'b': '2019'})
    """
    codes, uniques = pd.factorize(values["d"].astype(object), sort=True)
    pick = pd.Series(codes, index=values.index).groupby(values["USUBJID"].to_numpy(object))
    pick = pick.min() if how == "first" else pick.max()
    return pd.Series(np.asarray(uniques, dtype=object)[pick.to_numpy()], index=pick.index)


def derive_death_flag(frames: Frames) -> None:
    """DTHFL = Y when DTHDTC is known, else null (SDTMIG 3.4 DM assumption 9)."""
    dm = frames["DM"]
    if "DTHDTC" in dm:
        dm["DTHFL"] = np.where(dm["DTHDTC"].fillna("").ne(""), "Y", "")


def derive_actual_arm(frames: Frames, untreated: dict) -> None:
    """ACTARMCD/ACTARM = planned arm for subjects with exposure, else the 'not treated' arm."""
    dm = frames["DM"]
    if "ARMCD" not in dm or "ACTARMCD" in dm:
        return
    dosed = set(frames["EX"]["USUBJID"].unique()) if "EX" in frames else set()
    treated = dm["USUBJID"].isin(dosed)
    dm["ACTARMCD"] = dm["ARMCD"].where(treated, untreated.get("ACTARMCD", "NOTTRT"))
    dm["ACTARM"] = dm.get("ARM", dm["ARMCD"]).where(treated, untreated.get("ACTARM", "Not Treated"))
    if "ARMNRS" not in dm and (~treated).any():
        dm["ARMNRS"] = np.where(treated, "", "NOT TREATED")


def study_day(dates: pd.Series, ref: pd.Series) -> pd.Series:
    """SDTM study day: date - ref + 1 on or after ref, date - ref before it; no day 0.

    >>> study_day(pd.Series(["2020-07-14", "2020-07-13", "2020-07"]),
    ...           pd.Series(["2020-07-14"] * 3)).tolist()
    [1.0, -1.0, nan]
    """
    return _days_from(iso_to_date(dates), iso_to_date(ref))


def _days_from(d: pd.Series, r: pd.Series) -> pd.Series:
    delta = (d - r).dt.days
    return delta.where(delta < 0, delta + 1).astype(float)


def _subject_dates(frames: Frames, var: str, usubjid: pd.Series) -> pd.Series:
    """DM's ``var`` as a date (NaT if partial or missing) for each record's subject,
    converted once per subject rather than once per record."""
    lookup = _dm_lookup(frames, var)
    if lookup.empty:
        return iso_to_date(pd.Series("", index=usubjid.index, dtype=object))
    return usubjid.map(iso_to_date(lookup.fillna("")))


def derive_study_days(frames: Frames, dom: str) -> None:
    """Every --DTC/--STDTC/--ENDTC with a --DY/--STDY/--ENDY in SDTMIG gets its study day."""
    df = frames[dom]
    meta = load_sdtmig().get(dom)
    if meta is None or "USUBJID" not in df:
        return
    rfstdtc = _subject_dates(frames, "RFSTDTC", df["USUBJID"])
    for var in [c for c in df.columns if c.endswith("DTC") and c.startswith(dom)]:
        dy = var[:-3] + "DY"
        if dy in meta:
            df[dy] = _days_from(iso_to_date(df[var]), rfstdtc)


def _record_date(df: pd.DataFrame, dom: str) -> pd.Series | None:
    for var in (f"{dom}STDTC", f"{dom}DTC"):
        if var in df:
            return df[var]
    return None


def derive_epoch(frames: Frames, dom: str, epochs: dict) -> None:
    """EPOCH from the record's start date against first and last exposure (RFXSTDTC/RFXENDTC).

    Partial dates that cannot be placed, and domains not listed, get no EPOCH.
    """
    df = frames[dom]
    meta = load_sdtmig().get(dom)
    wanted = epochs.get("domains")
    if not epochs or meta is None or "EPOCH" not in meta or "EPOCH" in df:
        return
    if wanted and dom not in wanted:
        return
    when = _record_date(df, dom)
    if when is None:
        return
    d = iso_to_date(when)
    first = _subject_dates(frames, "RFXSTDTC", df["USUBJID"])
    last = _subject_dates(frames, "RFXENDTC", df["USUBJID"])
    which = np.select([d < first, (d >= first) & (d <= last), d > last], [0, 1, 2], default=3)
    # One str object per EPOCH name (np.select over the names would make one per record).
    names = np.array([str(epochs.get("before", "")), str(epochs.get("during", "")),
                      str(epochs.get("after", "")), ""], dtype=object)
    df["EPOCH"] = pd.Series(names[which], index=df.index, dtype=object)


def derive_lobxfl(frames: Frames, dom: str) -> None:
    """--LOBXFL = Y on the last non-missing result on or before first exposure, per test."""
    df = frames[dom]
    meta = load_sdtmig().get(dom)
    flag, testcd, dtc = f"{dom}LOBXFL", f"{dom}TESTCD", f"{dom}DTC"
    if meta is None or flag not in meta or flag in df or testcd not in df or dtc not in df:
        return
    d = iso_to_date(df[dtc])
    first = _subject_dates(frames, "RFXSTDTC", df["USUBJID"])
    result = df.get(f"{dom}ORRES", pd.Series("x", index=df.index)).fillna("").astype(str)
    eligible = (d <= first) & result.ne("")
    cand = df[eligible].assign(_d=d[eligible]).sort_values(["_d", SRC_ROW])
    last_idx = cand.groupby(["USUBJID", testcd]).tail(1).index
    df[flag] = np.where(df.index.isin(last_idx), "Y", "")


def derive_treatment_emergent(frames: Frames, rule: dict, supp_meta: dict) -> None:
    """Treatment-emergent AE flag: onset from first dose to last dose + window days.

    A partial onset is compared at its own precision; when it cannot be ruled out, the event
    counts as treatment-emergent (the conservative reading).
    """
    ae = frames["AE"]
    window = int(rule.get("window_days", 30))
    qnam = rule.get("qnam", "AETRTEM")
    first = ae["USUBJID"].map(_dm_lookup(frames, "RFXSTDTC")).fillna("").astype(str)
    last = _dm_lookup(frames, "RFXENDTC")
    if not last.empty:  # the window's end once per subject
        last = (iso_to_date(last.fillna("").astype(str)) + pd.Timedelta(days=window))\
            .dt.strftime("%Y-%m-%d")
    lastw_iso = ae["USUBJID"].map(last).fillna("")
    start = ae["AESTDTC"].fillna("").astype(str)
    # Plain lists: iterating pandas str columns element by element is slow.
    ae[SUPP_PREFIX + qnam] = [_emergent(s, f[:10], lw) for s, f, lw in
                              zip(_as_list(start), _as_list(first), _as_list(lastw_iso))]
    supp_meta[("AE", qnam)] = {"label": rule.get("label", "Treatment Emergent Flag"),
                               "qorig": "Derived", "qeval": ""}


def _as_list(values: pd.Series) -> list:
    return values.to_numpy(dtype=object).tolist()


def _emergent(start: str, first: str, last_window: str) -> str:
    """'Y', 'N' or '' for one event; comparisons at the precision of the onset."""
    if not start or not first:
        return ""
    n = min(len(start[:10]), 10)
    s, f = start[:n], first[:n]
    if s < f:
        return "N"
    if last_window and s > last_window[:n]:
        return "N"
    return "Y"


def derive_seq(frames: Frames, dom: str) -> None:
    """--SEQ 1..n per subject in the order of the domain's natural keys, then source row."""
    df = frames[dom]
    meta = load_sdtmig().get(dom)
    seq = f"{dom}SEQ"
    if meta is None or seq not in meta or "USUBJID" not in df:
        return
    keys = [k for k in meta.keys if k in df and k != seq]
    order = df.sort_values(keys + [c for c in ("_BLOCK", SRC_ROW) if c in df], kind="stable")
    df = order.reset_index(drop=True)
    df[seq] = (df.groupby("USUBJID").cumcount() + 1).astype(float)
    frames[dom] = df
