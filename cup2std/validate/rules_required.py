"""Required fields, types, lengths and keys (SDTMIG 3.4 metadata).

>>> dm = pd.DataFrame({"STUDYID": ["S"], "DOMAIN": ["DM"], "USUBJID": [""]})
>>> [f.variable for f in required_not_empty({"DM": dm}, RuleContext())][:2]
['USUBJID', 'SUBJID']
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cup2std.validate.findings import Finding
from cup2std.validate.registry import (
    Frames, RuleContext, blank, col, emit, joint_keys, meta, on_distinct, rule,
)

THEME = "required"
# Short codes: SDTMIG 3.4 section 4.5.? (--TESTCD, QNAM, ...): <= 8 characters, letters,
# digits and underscore, not starting with a digit. Their labels: <= 40 characters.
SHORT_CODES = ("TESTCD", "QNAM", "TSPARMCD", "IETESTCD", "PARMCD")
SHORT_LABELS = ("TEST", "QLABEL", "TSPARM", "IETEST")
SHORT_CODE = r"[A-Z_][A-Z0-9_]{0,7}"


def _missing(rid: str, name: str, var: str, why: str) -> Finding:
    from cup2std.validate.registry import RULES
    return Finding(rid, RULES[rid].severity, f"{var} is {why} in SDTMIG 3.4 and missing from "
                   f"the dataset; add the variable (empty if not collected)", domain=name,
                   variable=var)


@rule("REQ001", "error", "A Req variable is present and never empty", THEME)
def required_not_empty(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        m = meta(name)
        if m is None:
            continue
        for var in (v for v in m.variables.values() if v.core == "Req"):
            if var.name not in df:
                out.append(_missing("REQ001", name, var.name, "Req"))
                continue
            out += emit(ctx, "REQ001", df, blank(df[var.name]),
                        f"{var.name} is Req in SDTMIG 3.4 and is empty; map a source value or "
                        "a default for it", domain=name, variable=var.name)
    return out


@rule("REQ002", "warning", "An Exp variable is present in the dataset", THEME)
def expected_present(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        m = meta(name)
        if m is None or name.startswith("SUPP"):
            continue
        out += [_missing("REQ002", name, v.name, "Exp") for v in m.variables.values()
                if v.core == "Exp" and v.name not in df]
    return out


@rule("TYP001", "error", "A variable has the type SDTMIG gives it (Char or Num)", THEME)
def variable_types(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        m = meta(name)
        if m is None:
            continue
        for var in (v for v in m.variables.values() if v.name in df):
            kind = df[var.name].dtype.kind
            if var.is_numeric and kind not in "fiub":
                vals = col(df, var.name)
                bad = vals.ne("") & pd.to_numeric(vals, errors="coerce").isna()
                out += emit(ctx, "TYP001", df, bad, f"{var.name} is Num in SDTMIG 3.4 and this "
                            "is not a number; store the variable as numeric", domain=name,
                            variable=var.name)
                if not bad.any():
                    out.append(Finding("TYP001", "error", f"{var.name} is Num in SDTMIG 3.4 but "
                                       "stored as character; store it as numeric", domain=name,
                                       variable=var.name))
            elif not var.is_numeric and kind in "fiub":
                out.append(Finding("TYP001", "error", f"{var.name} is Char in SDTMIG 3.4 but "
                                   "stored as numeric; store it as character", domain=name,
                                   variable=var.name))
    return out


@rule("LEN001", "error", "Short codes (--TESTCD, QNAM, TSPARMCD) are <= 8 characters, start "
      "with a letter or _ and hold only letters, digits, _; their labels are <= 40", THEME)
def short_code_lengths(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        for c in df.columns:
            if c.startswith("_"):
                continue
            if any(c.endswith(s) for s in SHORT_CODES):
                vals = col(df, c)
                bad = on_distinct(vals, lambda v: v.ne("") & ~v.str.fullmatch(SHORT_CODE))
                out += emit(ctx, "LEN001", df, bad, c + " must be at most 8 characters: upper-"
                            "case letters, digits or _, not starting with a digit; shorten it "
                            "in the mapping", domain=name, variable=c)
            elif any(c.endswith(s) for s in SHORT_LABELS):
                long = on_distinct(col(df, c), lambda v: v.str.len() > 40)
                out += emit(ctx, "LEN001", df, long, f"{c} is longer than 40 "
                            "characters; shorten it", domain=name, variable=c)
    return out


@rule("LEN002", "warning", "XPT character variables are no longer than their longest value "
      "(FDA Technical Conformance Guide)", THEME)
def storage_lengths(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, widths in ctx.xpt_meta.items():
        df = frames.get(name)
        if df is None:
            continue
        for var, width in widths.items():
            if var not in df or df[var].dtype.kind != "O" or not width:
                continue
            longest = int(col(df, var).str.len().max() or 0) if len(df) else 0
            if width > max(longest, 1):
                out.append(Finding("LEN002", "warning", f"{var} is stored with length {width} "
                                   f"but its longest value has {longest} character(s); set the "
                                   "length to the longest value", domain=name, variable=var,
                                   file=ctx.files.get(name, ""), value=str(width)))
    return out


@rule("META001", "info", "The dataset has SDTMIG 3.4 metadata in cup2std (else only generic "
      "checks run on it)", THEME)
def known_dataset(frames: Frames, ctx: RuleContext) -> list[Finding]:
    return [Finding("META001", "info", f"no SDTMIG 3.4 metadata for {name} is shipped with "
                    "cup2std; required-variable and codelist checks were skipped for it",
                    domain=name, file=ctx.files.get(name, ""))
            for name in frames if meta(name) is None]


@rule("DM001", "error", "USUBJID is unique in DM", THEME)
def dm_unique(frames: Frames, ctx: RuleContext) -> list[Finding]:
    dm = frames.get("DM")
    if dm is None or "USUBJID" not in dm:
        return []
    return emit(ctx, "DM001", dm, dm["USUBJID"].duplicated(keep="first"),
                "USUBJID appears more than once in DM; one record per subject", domain="DM",
                variable="USUBJID")


@rule("KEY001", "error", "Every record's USUBJID is in DM", THEME)
def usubjid_in_dm(frames: Frames, ctx: RuleContext) -> list[Finding]:
    dm = frames.get("DM")
    known = set(dm["USUBJID"]) if dm is not None and "USUBJID" in dm else set()
    out = []
    for name, df in frames.items():
        if name == "DM" or "USUBJID" not in df:
            continue
        out += emit(ctx, "KEY001", df, ~df["USUBJID"].isin(known), "USUBJID is not in DM; "
                    "every subject needs a DM record", domain=name, variable="USUBJID")
    return out


@rule("KEY002", "error", "--SEQ is unique within each subject", THEME)
def seq_unique(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, df in frames.items():
        seq = f"{name}SEQ"
        if seq not in df or "USUBJID" not in df:
            continue
        out += emit(ctx, "KEY002", df, df.duplicated(["USUBJID", seq], keep="first"),
                    f"{seq} repeats within the subject; number records 1..n per subject",
                    domain=name, variable=seq)
    return out


@rule("KEY003", "error", "A SUPP-- record points to an existing parent record "
      "(RDOMAIN, USUBJID, IDVAR, IDVARVAL)", THEME)
def supp_parent(frames: Frames, ctx: RuleContext) -> list[Finding]:
    out = []
    for name, supp in frames.items():
        if not name.startswith("SUPP") or not {"RDOMAIN", "USUBJID", "IDVAR"} <= set(supp):
            continue
        ok = pd.Series(False, index=supp.index)
        idvar, idval = col(supp, "IDVAR"), col(supp, "IDVARVAL")
        for rdom in col(supp, "RDOMAIN").unique():
            parent = frames.get(rdom)
            if parent is None or "USUBJID" not in parent:
                continue
            here = col(supp, "RDOMAIN").eq(rdom)
            subj_level = here & idvar.eq("")
            ok |= subj_level & supp["USUBJID"].isin(set(parent["USUBJID"]))
            for var in idvar[here & idvar.ne("")].unique():
                if var not in parent:
                    continue
                known, keys = joint_keys([parent["USUBJID"], col(parent, var)],
                                         [supp["USUBJID"], idval])
                ok |= here & idvar.eq(var) & np.isin(keys, known)
        bad = ~ok  # the value text is built for the orphans only
        out += emit(ctx, "KEY003", supp, bad, "no parent record has this RDOMAIN/USUBJID/"
                    "IDVAR/IDVARVAL; the supplemental qualifier is orphaned", domain=name,
                    variable="IDVARVAL",
                    value=col(supp, "RDOMAIN")[bad] + "." + idvar[bad] + "=" + idval[bad])
    return out
