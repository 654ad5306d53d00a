"""The AE records a report counts, with the flags every AE table needs derived once.

``ae_frame`` returns AE (SUPPAE joined) for the population with boolean columns TEAE, HIGH
(grade >= the spec's high grade), SERIOUS, RELATED (to the investigational product, AEREL) and
REL:<drug> per other drug, plus the list of what could not be derived and why.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from cup2std.report.context import Context, to_date
from cup2std.report.load import present


@dataclass
class AEData:
    ae: pd.DataFrame
    has: dict[str, bool]
    other_drugs: dict[str, str]          # drug name -> REL:<drug> column
    notes: list[str] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)


def ae_frame(ctx: Context) -> AEData | None:
    """None when AE itself (or USUBJID, AEDECOD) is missing."""
    if ctx.pkg.missing("AE", ["USUBJID", "AEDECOD"]):
        return None
    cfg = ctx.spec["adverse_events"]
    ae = ctx.within(ctx.pkg.domain("AE")).copy()
    data = AEData(ae, {}, {})
    teae = cfg["teae"]["qnam"]
    if not ctx.pkg.missing("AE", [teae]):
        ae["TEAE"] = ae[teae] == cfg["teae"]["value"]
        data.notes.append(f"Treatment-emergent: SUPPAE.{teae} = {cfg['teae']['value']}.")
    elif not ctx.pkg.missing("AE", ["AESTDTC"]) and not ctx.pkg.missing("DM", ["RFXSTDTC"]):
        first = ctx.pkg.domain("DM").set_index("USUBJID")["RFXSTDTC"]
        ae["TEAE"] = to_date(ae["AESTDTC"]) >= to_date(ae["USUBJID"].map(first))
        data.notes.append(f"SUPPAE.{teae} is missing: treatment-emergent taken as AESTDTC on "
                          "or after DM.RFXSTDTC (no end window).")
    else:
        ae["TEAE"] = True
        data.notes.append(f"SUPPAE.{teae}, AESTDTC or DM.RFXSTDTC missing: every AE counted "
                          "as treatment-emergent.")
    _flag(data, ctx, "HIGH", [cfg["grade_variable"]],
          lambda: pd.to_numeric(ae[cfg["grade_variable"]], errors="coerce") >= cfg["high_grade"])
    _flag(data, ctx, "SERIOUS", ["AESER"], lambda: ae["AESER"] == "Y")
    related = {str(v).upper() for v in cfg["related_values"]}
    _flag(data, ctx, "RELATED", ["AEREL"], lambda: ae["AEREL"].str.upper().isin(related))
    for drug, qnam in other_drug_columns(ctx).items():
        col = f"REL:{drug}"
        ae[col] = ae[qnam].astype(str).str.upper().isin(related)
        data.other_drugs[drug] = col
    data.has["AESI"] = not ctx.pkg.missing("AE", [cfg["aesi_qnam"]])
    data.has["AEACN"] = not ctx.pkg.missing("AE", ["AEACN"])
    data.has["AEOUT"] = not ctx.pkg.missing("AE", ["AEOUT"])
    data.has["AESTDTC"] = not ctx.pkg.missing("AE", ["AESTDTC"])
    data.has["SOC"] = not ctx.pkg.missing("AE", ["AEBODSYS"])
    if not data.has["SOC"]:
        ae["AEBODSYS"] = "(system organ class not coded)"
    data.ae = ae
    return data


def _flag(data: AEData, ctx: Context, name: str, variables: list[str], fn) -> None:
    miss = ctx.pkg.missing("AE", variables)
    data.has[name] = not miss
    if miss:
        data.missing[name] = miss
    data.ae[name] = fn() if not miss else False


def other_drug_columns(ctx: Context) -> dict[str, str]:
    """Drug -> SUPPAE QNAM holding the relationship to that drug (spec list, or 'auto':
    QNAM AEREL* whose QLABEL reads 'Relationship to <drug>')."""
    cfg = ctx.spec["adverse_events"]["other_drugs"]
    ae = ctx.pkg.domain("AE")
    if cfg == "auto":
        found = {}
        for (dom, qnam), label in ctx.pkg.supp_labels.items():
            m = re.match(r"(?i)relationship to (.+)", str(label))
            if dom == "AE" and qnam.startswith("AEREL") and m and qnam in ae:
                found[m.group(1).strip().upper()] = qnam
        return dict(sorted(found.items()))
    return {str(d["drug"]).upper(): d["qnam"] for d in (cfg or [])
            if d["qnam"] in ae and present(ae[d["qnam"]]).any()}
