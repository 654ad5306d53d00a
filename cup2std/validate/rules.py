"""Conformance rules on SDTM frames, registered by id; each returns findings.

A rule is a function ``(frames: dict[str, DataFrame]) -> list[Finding]`` registered with
:func:`rule`. Frames may carry provenance (``_SRC_FORM``/``_SRC_ROW``) when they come from
the hub; findings then name the source file and row.

>>> sorted(RULES)[:3]
['CT001', 'CT002', 'DM001']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from cup2std.readers.base import SRC_FORM, SRC_ROW
from cup2std.standards import load_ct, load_sdtmig
from cup2std.validate.findings import Finding

Frames = dict[str, pd.DataFrame]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: str
    description: str
    check: Callable[[Frames, dict], list[Finding]]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: str, description: str):
    """Register a rule function under a stable id."""
    def wrap(fn):
        RULES[rule_id] = Rule(rule_id, severity, description, fn)
        return fn
    return wrap


def run_rules(frames: Frames, files: dict | None = None,
              only: list[str] | None = None) -> list[Finding]:
    """Run the registered rules (or ``only`` those) over the frames."""
    out: list[Finding] = []
    for rid, r in sorted(RULES.items()):
        if only and rid not in only:
            continue
        out.extend(r.check(frames, files or {}))
    return out


def _where(df: pd.DataFrame, idx, files: dict) -> dict:
    """Location fields of a finding on row ``idx``: subject, and source file/row if known."""
    loc = {"subject": str(df.at[idx, "USUBJID"]) if "USUBJID" in df else ""}
    if SRC_FORM in df and SRC_ROW in df and df.at[idx, SRC_FORM] != "mapping":
        loc["file"] = files.get(df.at[idx, SRC_FORM], str(df.at[idx, SRC_FORM]))
        loc["row"] = int(df.at[idx, SRC_ROW])
    return loc


def _meta(name: str):
    ig = load_sdtmig()
    return ig["SUPPQUAL"] if name.startswith("SUPP") else ig.get(name)


def _blank(s: pd.Series) -> pd.Series:
    return s.isna() | s.astype(str).str.strip().eq("")


@rule("REQ001", "error", "A Req variable is present and never empty")
def required_not_empty(frames: Frames, files: dict) -> list[Finding]:
    out = []
    for name, df in frames.items():
        meta = _meta(name)
        if meta is None:
            continue
        for var in (v for v in meta.variables.values() if v.core == "Req"):
            if var.name not in df:
                out.append(Finding("REQ001", "error", f"required variable {var.name} is missing "
                                   "from the dataset", domain=name, variable=var.name))
                continue
            for idx in df.index[_blank(df[var.name])]:
                out.append(Finding("REQ001", "error", f"{var.name} is Req in SDTMIG 3.4 and is "
                                   "empty; map a source value or a default for it",
                                   domain=name, variable=var.name, **_where(df, idx, files)))
    return out


def _ct_findings(frames: Frames, files: dict, extensible: bool, rid: str,
                 severity: str) -> list[Finding]:
    """Values outside the variable's codelist(s); several codelists = union of their terms."""
    ct = load_ct()
    out = []
    for name, df in frames.items():
        meta = _meta(name)
        if meta is None:
            continue
        for var in meta.variables.values():
            lists = [cl for cl in (ct.get(c) for c in var.codelists) if cl is not None]
            if not lists or var.name not in df:
                continue
            # A variable with any extensible codelist is judged as extensible.
            if any(cl.extensible for cl in lists) != extensible:
                continue
            allowed_set = set().union(*(cl.values for cl in lists))
            vals = df[var.name].fillna("").astype(str)
            bad = vals.ne("") & ~vals.isin(allowed_set)
            names = "/".join(f"{cl.code} ({cl.submission_value})" for cl in lists)
            shown = sorted(allowed_set)
            allowed = ", ".join(shown[:8]) + (" ..." if len(shown) > 8 else "")
            for idx in df.index[bad]:
                out.append(Finding(
                    rid, severity, f"value is not in codelist {names}"
                    f"{' (extensible)' if extensible else ''}. Allowed: {allowed}. "
                    "Map it under value_maps in the mapping.",
                    domain=name, variable=var.name, value=vals[idx], **_where(df, idx, files)))
    return out


@rule("CT001", "error", "Values of non-extensible CDISC codelists are terms of the codelist")
def ct_non_extensible(frames: Frames, files: dict) -> list[Finding]:
    return _ct_findings(frames, files, False, "CT001", "error")


@rule("CT002", "warning", "Values of extensible CDISC codelists are terms of the codelist")
def ct_extensible(frames: Frames, files: dict) -> list[Finding]:
    return _ct_findings(frames, files, True, "CT002", "warning")


@rule("DM001", "error", "USUBJID is unique in DM")
def dm_unique(frames: Frames, files: dict) -> list[Finding]:
    dm = frames.get("DM")
    if dm is None or "USUBJID" not in dm:
        return []
    dup = dm["USUBJID"].duplicated(keep="first")
    return [Finding("DM001", "error", "USUBJID appears more than once in DM", domain="DM",
                    variable="USUBJID", value=str(dm.at[i, "USUBJID"]), **_where(dm, i, files))
            for i in dm.index[dup]]


@rule("KEY001", "error", "Every record's USUBJID is in DM")
def usubjid_in_dm(frames: Frames, files: dict) -> list[Finding]:
    dm = frames.get("DM")
    known = set(dm["USUBJID"]) if dm is not None and "USUBJID" in dm else set()
    out = []
    for name, df in frames.items():
        if name == "DM" or "USUBJID" not in df:
            continue
        for idx in df.index[~df["USUBJID"].isin(known)]:
            out.append(Finding("KEY001", "error", "USUBJID is not in DM", domain=name,
                               variable="USUBJID", value=str(df.at[idx, "USUBJID"]),
                               **_where(df, idx, files)))
    return out


@rule("KEY002", "error", "--SEQ is unique within each subject")
def seq_unique(frames: Frames, files: dict) -> list[Finding]:
    out = []
    for name, df in frames.items():
        seq = f"{name}SEQ"
        if seq not in df or "USUBJID" not in df:
            continue
        dup = df.duplicated(["USUBJID", seq], keep="first")
        out += [Finding("KEY002", "error", f"{seq} repeats within the subject", domain=name,
                        variable=seq, value=str(df.at[i, seq]), **_where(df, i, files))
                for i in df.index[dup]]
    return out
