"""Baseline findings and history: Observation (VS, RS), Condition (MH), MedicationStatement (CM).

Test codes map to LOINC through the crosswalk (WEIGHT 29463-7, HEIGHT 8302-2, ECOG101 89247-1);
a test without a LOINC code is not written and is reported.

Each resource's id comes from its record's natural keys (``*_KEYS``, texts by ``key_text``).
"""
from __future__ import annotations

import pandas as pd

from cup2std.write.fhir.context import FhirContext, where_of
from cup2std.write.fhir.datatypes import coding, is_blank, number, quantity
from cup2std.write.fhir.qualifiers import QUALIFIERS

OBS_KEYS = {"VS": ("USUBJID", "VSTESTCD", "VISITNUM", "VSDTC"),
            "RS": ("USUBJID", "RSTESTCD", "VISITNUM", "RSDTC")}
MH_KEYS = ("USUBJID", "MHCAT", "MHTERM", "MHSTDTC")
CM_KEYS = ("USUBJID", "CMCAT", "CMTRT", "CMSTDTC", "CMENDTC")


def key_text(value) -> str:
    """Text of one key value: '' for missing, 101.0 -> '101'.

    >>> key_text(101.0), key_text(None), key_text("A")
    ('101', '', 'A')
    """
    if type(value) is str:
        return "" if not value or value.isspace() else value
    if is_blank(value):
        return ""
    if isinstance(value, float):
        return str(number(value))
    return str(value)


def _notes(ctx: FhirContext, domain: str, rec: pd.Series) -> list[dict]:
    """SUPP-- qualifiers of the record as notes 'label: value' (sorted by QNAM)."""
    quals = rec.get(QUALIFIERS, {})
    out = []
    for qnam in sorted(quals):
        label = ctx.hub.supp_meta.get((domain, qnam), {}).get("label", qnam)
        out.append({"text": f"{label}: {quals[qnam]}"})
    return out


def observation(ctx: FhirContext, domain: str, rec: pd.Series, keys: tuple) -> dict | None:
    testcd = str(rec.get(f"{domain}TESTCD", ""))
    entry = ctx.term["observations"].get(testcd)
    if not entry:
        ctx.warn("FHIR008", f"{domain}TESTCD {testcd} has no LOINC code in the FHIR crosswalk; "
                 "no Observation written", where_of(rec, domain, f"{domain}TESTCD"),
                 severity="info")
        return None
    res: dict = {"resourceType": "Observation", "id": ctx.id("Observation", *keys),
                 "identifier": [{"system": ctx.system(domain.lower()), "value": "|".join(keys)}],
                 "status": "final",
                 "category": [{"coding": [{"system": ctx.sys("observation_category"),
                                           "code": entry["category"]}]}],
                 "code": {"coding": [coding(ctx.sys("loinc"), entry)],
                          "text": str(rec.get(f"{domain}TEST", testcd))},
                 "subject": ctx.ref("Patient", rec["USUBJID"])}
    when = ctx.datetime_of(rec, domain, f"{domain}DTC")
    if when:
        res["effectiveDateTime"] = when
    unit = "" if is_blank(rec.get(f"{domain}STRESU")) else str(rec[f"{domain}STRESU"])
    num = number(rec.get(f"{domain}STRESN"))
    if unit and num is not None:
        res["valueQuantity"] = quantity(num, unit, ctx.term["units"].get(unit), ctx.sys("ucum"))
    elif isinstance(num, int):
        res["valueInteger"] = num
    elif not is_blank(rec.get(f"{domain}ORRES")):
        res["valueString"] = str(rec[f"{domain}ORRES"])
    if not is_blank(rec.get(f"{domain}ORRES")) and "valueInteger" in res:
        res["note"] = [{"text": str(rec[f"{domain}ORRES"])}]
    return res


def condition(ctx: FhirContext, rec: pd.Series, keys: tuple) -> dict:
    res: dict = {"resourceType": "Condition", "id": ctx.id("Condition", *keys),
                 "identifier": [{"system": ctx.system("mh"), "value": "|".join(keys)}]}
    if str(rec.get("MHENRTPT", "")) == "ONGOING":
        res["clinicalStatus"] = {"coding": [{"system": ctx.sys("condition_clinical"),
                                             "code": "active"}]}
    if not is_blank(rec.get("MHCAT")):
        res["category"] = [{"text": str(rec["MHCAT"])}]
    res["code"] = {"text": str(rec["MHTERM"])}
    res["subject"] = ctx.ref("Patient", rec["USUBJID"])
    onset = ctx.datetime_of(rec, "MH", "MHSTDTC")
    if onset:
        res["onsetDateTime"] = onset
    notes = _notes(ctx, "MH", rec)
    if notes:
        res["note"] = notes
    return res


def medication_statement(ctx: FhirContext, rec: pd.Series, keys: tuple) -> dict:
    occur = str(rec.get("CMOCCUR", ""))
    status = ("not-taken" if occur == "N" else
              "completed" if not is_blank(rec.get("CMENDTC")) else "unknown")
    res: dict = {"resourceType": "MedicationStatement",
                 "id": ctx.id("MedicationStatement", *keys),
                 "identifier": [{"system": ctx.system("cm"), "value": "|".join(keys)}],
                 "status": status}
    if not is_blank(rec.get("CMCAT")):
        res["category"] = {"text": str(rec["CMCAT"])}
    res["medicationCodeableConcept"] = {"text": str(rec["CMTRT"])}
    res["subject"] = ctx.ref("Patient", rec["USUBJID"])
    start = ctx.datetime_of(rec, "CM", "CMSTDTC")
    end = ctx.datetime_of(rec, "CM", "CMENDTC")
    if start and end:
        res["effectivePeriod"] = {"start": start, "end": end}
    elif start:
        res["effectivePeriod"] = {"start": start}
    elif end:
        res["effectivePeriod"] = {"end": end}
    if not is_blank(rec.get("CMINDC")):
        res["reasonCode"] = [{"text": str(rec["CMINDC"])}]
    notes = _notes(ctx, "CM", rec)
    if notes:
        res["note"] = notes
    return res
