"""AdverseEvent per AE record, conformant to the HL7 AE Clinical Research R4 backport profile.

Profile ``AdverseEvent-clinical-research`` (hl7.fhir.uv.ae-research-backport-ig 1.0.1): actuality
actual, event (MedDRA code when there is one, CTCAE term as text), study, seriousness and, when
serious, seriousness-criteria (one per AES-- flag, present or not), outcome (NCIt), ae-grade
(NCIt), suspect-entity with causality per study drug, mitigating-action per drug, resolve-date.
Partial dates are written as collected.

>>> PROFILE.rsplit("/", 1)[-1]
'AdverseEvent-clinical-research'
"""
from __future__ import annotations

import pandas as pd

from cup2std.write.fhir.context import AE_IG, FhirContext, where_of
from cup2std.write.fhir.datatypes import coding, is_blank, number

PROFILE = AE_IG + "AdverseEvent-clinical-research"
CRITERIA = ("AESDTH", "AESLIFE", "AESHOSP", "AESDISAB", "AESCONG", "AESMIE")


def ae_keys(rec: pd.Series) -> tuple:
    """Natural key of an AE record: subject and sponsor id, else term and start."""
    if not is_blank(rec.get("AESPID")):
        return (str(rec["USUBJID"]), str(rec["AESPID"]))
    return tuple("" if is_blank(rec.get(v)) else str(rec[v])
                 for v in ("USUBJID", "AETERM", "AESTDTC"))


def adverse_event(ctx: FhirContext, rec: pd.Series, keys: tuple, drugs: list[str]) -> dict:
    usubjid = str(rec["USUBJID"])
    ext: list[dict] = [{"url": AE_IG + "research-subject-ref",
                        "valueReference": ctx.ref("ResearchSubject", usubjid)}]
    serious = str(rec.get("AESER", "")) == "Y"
    if serious:
        ext += _criteria(ctx, rec)
    grade = ctx.shared(("grade", rec.get("AETOXGR")), lambda: _grade(ctx, rec))
    if grade:
        ext.append({"url": AE_IG + "ae-grade", "valueCodeableConcept": grade})
    if not is_blank(rec.get("AETERM")):
        ext.append({"url": AE_IG + "note", "valueAnnotation": {"text": str(rec["AETERM"])}})
    end = ctx.datetime_of(rec, "AE", "AEENDTC")
    if end:
        ext.append({"url": AE_IG + "resolve-date", "valueDateTime": end})
    ext += _per_drug(ctx, rec, drugs)
    res: dict = {
        "resourceType": "AdverseEvent", "id": ctx.id("AdverseEvent", *keys),
        "meta": ctx.shared(("ae-meta",), lambda: {"profile": [PROFILE]}),
        "extension": ext,
        "modifierExtension": [ctx.shared(("ae-status",), lambda: {
            "url": AE_IG + "status", "valueCode": "completed"})],
        "identifier": {"system": ctx.system("ae"), "value": "|".join(keys)},
        "actuality": "actual",
        "event": ctx.shared(("event", *[rec.get(v) for v in ("AEDECOD", "AETERM", "AEPTCD")]),
                            lambda: _event(ctx, rec)),
        "subject": ctx.ref("Patient", usubjid),
    }
    start = ctx.datetime_of(rec, "AE", "AESTDTC")
    if start:
        res["date"] = start
    if not is_blank(rec.get("AESER")):
        code = "serious" if serious else "non-serious"
        res["seriousness"] = ctx.shared(("seriousness", code), lambda: {"coding": [
            {"system": ctx.sys("seriousness"), "code": code, "display": code.capitalize()}]})
    outcome = ctx.shared(("outcome", rec.get("AEOUT")), lambda: _outcome(ctx, rec))
    if outcome:
        res["outcome"] = outcome
    res["study"] = [ctx.shared(("study-ref",), lambda: ctx.ref("ResearchStudy"))]
    return res


def _event(ctx: FhirContext, rec: pd.Series) -> dict:
    text = next((str(rec[v]) for v in ("AEDECOD", "AETERM") if not is_blank(rec.get(v))), "")
    event: dict = {}
    code = number(rec.get("AEPTCD"))
    if code is not None:
        event["coding"] = [{"system": ctx.sys("meddra"), "code": str(code), "display": text}]
    event["text"] = text
    return event


def _criteria(ctx: FhirContext, rec: pd.Series) -> list[dict]:
    out = []
    for var in CRITERIA:
        flag = "" if is_blank(rec.get(var)) else str(rec[var])
        if flag not in ("Y", "N"):
            continue
        code = coding(ctx.sys("ncit"), ctx.term["seriousness_criteria"][var])
        out.append({"url": AE_IG + "seriousness-criteria", "extension": [
            {"url": "criterionCode", "valueCodeableConcept": {"coding": [code]}},
            {"url": "criterionPresent", "valueBoolean": flag == "Y"}]})
    if not any(e["extension"][1]["valueBoolean"] for e in out):
        ctx.warn("FHIR006", "AESER is Y but no seriousness criterion is Y; the AE Clinical "
                 "Research profile (aeClinRes-seriousness-1) needs at least one",
                 where_of(rec, "AE", "AESER"), severity="error")
    return out


def _grade(ctx: FhirContext, rec: pd.Series) -> dict | None:
    if is_blank(rec.get("AETOXGR")):
        return None
    grade = number(rec.get("AETOXGR"))
    entry = ctx.term["grades"].get(str(grade)) if grade is not None else None
    if not entry:
        ctx.warn("FHIR007", "AETOXGR is not a CTCAE grade 1-5; ae-grade left out",
                 where_of(rec, "AE", "AETOXGR"))
        return None
    return {"coding": [coding(ctx.sys("ncit"), entry)], "text": f"Grade {grade}"}


def _outcome(ctx: FhirContext, rec: pd.Series) -> dict | None:
    """NCIt coding (profile's required value set) plus the R4 base code (base required binding)."""
    out = "" if is_blank(rec.get("AEOUT")) else str(rec["AEOUT"])
    if not out:
        return None
    codings = []
    if out in ctx.term["outcomes"]:
        codings.append(coding(ctx.sys("ncit"), ctx.term["outcomes"][out]))
    if out in ctx.term["outcomes_r4"]:
        codings.append(coding(ctx.sys("ae_outcome_r4"), ctx.term["outcomes_r4"][out]))
    if len(codings) < 2:
        ctx.warn("FHIR007", "AEOUT has no code in the AE Clinical Research outcome "
                 "value set or in the R4 adverse-event-outcome value set (both required)",
                 {**where_of(rec, "AE", "AEOUT"), "value": out}, severity="error")
    return {"coding": codings, "text": out} if codings else {"text": out}


def _per_drug(ctx: FhirContext, rec: pd.Series, drugs: list[str]) -> list[dict]:
    """suspect-entity (causality) and mitigating-action for each study drug the mapping names.

    The extensions depend only on the drugs' values, so they are built once per combination
    of values (the dicts are shared between resources and never changed after building).
    """
    causality, action = ctx.settings.get("causality", {}), ctx.settings.get("action", {})
    rels = tuple(ctx.value(rec, causality[d], "AE") if causality.get(d) else ""
                 for d in drugs)
    actions = tuple(ctx.value(rec, action[d], "AE") if action.get(d) else ""
                    for d in drugs)
    key = ("per_drug", tuple(drugs), rels, actions)
    built = ctx.memo.get(key)
    if built is None:
        built = ctx.memo[key] = _drug_extensions(ctx, drugs, rels, actions)
    return list(built)


def _drug_extensions(ctx: FhirContext, drugs: list[str], rels: tuple, actions: tuple) -> list:
    out = []
    for drug, rel in zip(drugs, rels):
        if rel:
            entry = ctx.term["relatedness"].get(rel)
            concept = ({"coding": [coding(ctx.sys("ncit"), entry)], "text": rel} if entry
                       else {"text": rel})
            out.append({"url": AE_IG + "suspect-entity", "extension": [
                {"url": "instance", "valueReference": ctx.ref("Medication", drug, display=drug)},
                {"url": "causality", "extension": [
                    {"url": "entityRelatedness", "valueCodeableConcept": concept}]}]})
    for drug, action in zip(drugs, actions):
        if action:
            term = ctx.hub_ct_code("ACN", action)
            concept = {"text": f"{drug}: {action}"}
            if term:
                concept["coding"] = [{"system": ctx.sys("ncit"), "code": term, "display": action}]
            out.append({"url": AE_IG + "mitigating-action", "extension": [
                {"url": "item", "valueCodeableConcept": dict(sorted(concept.items()))}]})
    return out
