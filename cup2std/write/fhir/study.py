"""Study-level resources: ResearchStudy (the program), Organization per site, Medication per drug.

>>> [r["resourceType"] for r in build_study_resources(ctx)]   # doctest: +SKIP
['ResearchStudy', 'Organization', ..., 'Medication', ...]
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from cup2std.write.fhir.context import FhirContext
from cup2std.write.fhir.datatypes import is_blank
from cup2std.write.fhir.qualifiers import Qualifiers


def research_study(ctx: FhirContext) -> dict:
    """The program as one ResearchStudy: identifier STUDYID, title from TS, arms from DM."""
    ts = ctx.hub.frames.get("TS")
    params: dict[str, list[str]] = {}
    if ts is not None:
        for code, val in zip(ts["TSPARMCD"], ts["TSVAL"]):
            if not is_blank(val):
                params.setdefault(str(code), []).append(str(val))
    res: dict = {"resourceType": "ResearchStudy", "id": ctx.id("ResearchStudy"),
                 "identifier": [{"system": ctx.system("study"), "value": ctx.study}]}
    if params.get("TITLE"):
        res["title"] = params["TITLE"][0]
    res["status"] = ctx.settings.get("study_status", "active")
    if params.get("INDIC"):
        res["condition"] = [{"text": v} for v in params["INDIC"]]
    period = {k: v[0] for k, v in (("start", params.get("SSTDTC")),
                                   ("end", params.get("SENDTC"))) if v}
    if period:
        res["period"] = period
    arms = _arms(ctx)
    if arms:
        res["arm"] = arms
    return res


def _arms(ctx: FhirContext) -> list[dict]:
    dm = ctx.hub.frames["DM"]
    seen, arms = set(), []
    for col_cd, col in (("ARMCD", "ARM"), ("ACTARMCD", "ACTARM")):
        if col_cd not in dm:
            continue
        for cd, name in zip(dm[col_cd], dm.get(col, dm[col_cd])):
            if is_blank(cd) or cd in seen:
                continue
            seen.add(cd)
            arm = {"name": str(cd)}
            if not is_blank(name):
                arm["description"] = str(name)
            arms.append(arm)
    return arms


def organizations(ctx: FhirContext) -> list[dict]:
    """One Organization per SITEID; name from the mapping's ``fhir.site_name`` source."""
    dm = ctx.hub.frames["DM"]
    if "SITEID" not in dm:
        return []
    source = ctx.settings.get("site_name", "SUPPDM.SITENAME")
    # the first record of each site, in order of first appearance, with its qualifiers
    firsts = np.flatnonzero(~dm["SITEID"].duplicated().to_numpy())
    records = Qualifiers(ctx.hub.frames.get("SUPPDM"), "DM", dm, firsts).attach(
        dm.iloc[firsts].to_dict("records"), np.arange(len(firsts)))
    out = []
    for rec in records:
        site = rec["SITEID"]
        if is_blank(site):
            continue
        name = ctx.value(rec, source, "DM")
        org = {"resourceType": "Organization", "id": ctx.id("Organization", site),
               "identifier": [{"system": ctx.system("site"), "value": str(site)}],
               "active": True, "name": name or f"Site {site}"}
        out.append(org)
    return out


def medications(ctx: FhirContext) -> list[dict]:
    """One Medication per study drug (EXTRT): code as the mapping declares, form from EX."""
    ex = ctx.hub.frames.get("EX")
    if ex is None or ex.empty:
        return []
    declared = ctx.settings.get("medications", {})
    out = []
    for drug in dict.fromkeys(str(d) for d in pd.unique(ex["EXTRT"]) if not is_blank(d)):
        med = declared.get(drug, {})
        code: dict = {}
        if med.get("coding"):
            code["coding"] = [dict(c) for c in med["coding"]]
        code["text"] = med.get("text") or drug
        res = {"resourceType": "Medication", "id": ctx.id("Medication", drug),
               "identifier": [{"system": ctx.system("study-drug"), "value": drug}],
               "code": code}
        forms = [f for f in dict.fromkeys(ex.loc[ex["EXTRT"] == drug, "EXDOSFRM"])
                 if not is_blank(f)] if "EXDOSFRM" in ex else []
        if len(forms) == 1:
            res["form"] = {"text": str(forms[0])}
        out.append(res)
        if not med.get("coding"):
            ctx.warn("FHIR003", f"study drug {drug} has no code: Medication.code carries text "
                     "only. Declare its codes under fhir.medications in the mapping",
                     {"domain": "EX", "variable": "EXTRT", "value": drug}, severity="info")
    return out
