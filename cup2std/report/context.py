"""Who is counted and the study facts a report states: population, product, program dates.

The population is the denominator of every percentage. ``treated`` (the default) = subjects
with a first exposure date (DM.RFXSTDTC) or an EX record; ARMCD values listed in the spec
(screen failures, not assigned) never count.

>>> to_date(pd.Series(["2020-07-21", "2021-01-25T13:40", "2020-07", ""])).dt.day.tolist()
[21.0, 25.0, nan, nan]
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cup2std.report.load import Package, present


@dataclass
class Context:
    pkg: Package
    spec: dict
    subjects: list[str]
    population: str
    ip: str | None
    program_start: pd.Timestamp | None
    program_end: pd.Timestamp | None
    program_text: tuple[str, str] = ("", "")
    notes: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.subjects)

    def within(self, df: pd.DataFrame) -> pd.DataFrame:
        """Records of subjects in the population."""
        if df.empty or "USUBJID" not in df:
            return df
        return df[df["USUBJID"].isin(self.subjects)]

    def denominator(self) -> str:
        return f"Percentages are of N = {self.n} {self.population}."


def to_date(values: pd.Series) -> pd.Series:
    """Complete ISO 8601 dates (date part) as datetime64; partial or empty values give NaT."""
    text = values.astype("string").str.slice(0, 10)
    ok = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)
    return pd.to_datetime(text.where(ok), format="%Y-%m-%d", errors="coerce")


def period_start(value: str | None) -> pd.Timestamp | None:
    """First day of a (possibly partial) ISO date: '2020-07' -> 2020-07-01.

    >>> period_start("2020-07").date(), period_start(None)
    (datetime.date(2020, 7, 1), None)
    """
    if not value:
        return None
    text = str(value)[:10]
    parts = text.split("-") + ["01", "01"]
    try:
        return pd.Timestamp(int(parts[0]), int(parts[1] or 1), int(parts[2] or 1))
    except ValueError:
        return None


def ts_value(pkg: Package, parmcd: str) -> str | None:
    """First TSVAL of a trial summary parameter, or None."""
    ts = pkg.domain("TS")
    if ts.empty or "TSPARMCD" not in ts:
        return None
    hit = ts.loc[ts["TSPARMCD"] == parmcd, "TSVAL"]
    hit = hit[present(hit)]
    return str(hit.iloc[0]) if len(hit) else None


def build_context(pkg: Package, spec: dict) -> Context:
    """Population, investigational product and program dates, each with where it came from."""
    dm = pkg.domain("DM")
    notes: list[str] = []
    if dm.empty or "USUBJID" not in dm:
        subjects, population = [], "subjects (DM missing)"
    else:
        keep = pd.Series(True, index=dm.index)
        if "ARMCD" in dm:
            excluded = {str(a).upper() for a in spec["exclude_armcd"]}
            keep &= ~dm["ARMCD"].str.upper().isin(excluded)
        population = "subjects in DM"
        if spec["population"] == "treated":
            treated = present(dm["RFXSTDTC"]) if "RFXSTDTC" in dm else pd.Series(False, dm.index)
            ex = pkg.domain("EX")
            if not ex.empty and "USUBJID" in ex:
                treated |= dm["USUBJID"].isin(ex["USUBJID"])
            if treated.any():
                keep &= treated
                population = "treated patients"
            else:
                notes.append("population 'treated' asked for, but DM.RFXSTDTC and EX are "
                             "missing or empty: all subjects in DM are counted")
        subjects = dm.loc[keep, "USUBJID"].tolist()
    ip = spec["investigational_product"] or ts_value(pkg, "TRT")
    if not ip:
        notes.append("investigational product not named (no TS TRT, no "
                     "investigational_product in the report spec)")
    prog = spec["program"]
    raw = (str(prog["start"] or ts_value(pkg, "SSTDTC") or ""),
           str(prog["end"] or ts_value(pkg, "SENDTC") or ""))
    return Context(pkg, spec, subjects, population, ip, period_start(raw[0]),
                   period_start(raw[1]), raw, notes)
