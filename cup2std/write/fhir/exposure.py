"""MedicationAdministration per EX record: drug, dates, dose (UCUM), route (SNOMED CT), study.

A record whose EXSTDTC equals EXENDTC (or has no end) is one administration
(``effectiveDateTime``); otherwise it covers a period of daily dosing (``effectivePeriod``).

>>> effective("2020-07-21", "2020-07-21"), effective("2020-07-21", "2020-08-10")
({'effectiveDateTime': '2020-07-21'}, {'effectivePeriod': {'start': '2020-07-21', 'end': '2020-08-10'}})
"""
from __future__ import annotations

import pandas as pd

from cup2std.write.fhir.context import STUDY_EXTENSION, FhirContext, where_of
from cup2std.write.fhir.datatypes import coding, is_blank, quantity


def effective(start: str | None, end: str | None) -> dict:
    """effectiveDateTime for a single time point, effectivePeriod for a span."""
    if start and end and start != end:
        return {"effectivePeriod": {"start": start, "end": end}}
    if start or end:
        return {"effectiveDateTime": start or end}
    return {}


# Natural key of an EX record (independent of EXSEQ, which renumbers).
EX_KEYS = ("USUBJID", "EXTRT", "EXSTDTC", "EXENDTC", "VISITNUM")


def medication_administration(ctx: FhirContext, rec: pd.Series, keys: tuple) -> dict | None:
    usubjid, drug = str(rec["USUBJID"]), str(rec["EXTRT"])
    start = ctx.datetime_of(rec, "EX", "EXSTDTC")
    end = ctx.datetime_of(rec, "EX", "EXENDTC")
    eff = effective(start, end)
    if not eff:
        ctx.warn("FHIR004", "EX record without EXSTDTC or EXENDTC cannot be a "
                 "MedicationAdministration (effective[x] is required); left out",
                 where_of(rec, "EX", "EXSTDTC"), severity="error")
        return None
    res: dict = {"resourceType": "MedicationAdministration",
                 "id": ctx.id("MedicationAdministration", *keys),
                 "extension": [ctx.shared(("study-extension",), lambda: {
                     "url": STUDY_EXTENSION, "valueReference": ctx.ref("ResearchStudy")})],
                 "identifier": [{"system": ctx.system("ex"), "value": "|".join(keys)}],
                 "status": "completed",
                 "medicationReference": ctx.shared(
                     ("medication", drug), lambda: ctx.ref("Medication", drug, display=drug)),
                 "subject": ctx.ref("Patient", usubjid), **eff}
    # the dosage depends on these values only: built once per combination
    dosage = ctx.shared(("dosage", *[rec.get(v) for v in _DOSAGE_VARS]),
                        lambda: _dosage(ctx, rec))
    if dosage:
        res["dosage"] = dosage
    return res


_DOSAGE_VARS = ("EXDOSFRQ", "EXADJ", "EXROUTE", "EXDOSU", "EXDOSE")


def _dosage(ctx: FhirContext, rec: pd.Series) -> dict:
    term = ctx.term
    dosage: dict = {}
    text = [str(rec[v]) for v in ("EXDOSFRQ", "EXADJ") if not is_blank(rec.get(v))]
    if text:
        dosage["text"] = "; ".join(text)
    route = "" if is_blank(rec.get("EXROUTE")) else str(rec["EXROUTE"])
    if route:
        entry = term["routes"].get(route)
        dosage["route"] = ({"coding": [coding(ctx.sys("snomed"), entry)], "text": route}
                           if entry else {"text": route})
        if not entry:
            ctx.warn("FHIR005", f"route {route} has no SNOMED CT code in the FHIR crosswalk; "
                     "written as text", where_of(rec, "EX", "EXROUTE"), severity="info")
    unit = "" if is_blank(rec.get("EXDOSU")) else str(rec["EXDOSU"])
    dose = quantity(rec.get("EXDOSE"), unit, term["units"].get(unit), ctx.sys("ucum"))
    if dose:
        dosage["dose"] = dose
        if unit and unit not in term["units"]:
            ctx.warn("FHIR005", f"unit {unit} has no UCUM code in the FHIR crosswalk; dose "
                     "written with unit text only", where_of(rec, "EX", "EXDOSU"))
    else:
        return {}  # mad-1: a dosage needs a dose (or rate); route alone cannot be carried
    return dosage
