"""Per-subject resources from DM (and DS): Patient and ResearchSubject.

>>> GENDER["F"], GENDER["U"]
('female', 'unknown')
"""
from __future__ import annotations

import pandas as pd

from cup2std.write.fhir.context import FhirContext
from cup2std.write.fhir.datatypes import is_blank

GENDER = {"F": "female", "M": "male", "U": "unknown", "INTERSEX": "other", "UNDIFFERENTIATED": "other"}
ACTIVE_STATUSES = ("on-study",)


def patient(ctx: FhirContext, dm: pd.Series) -> dict:
    """Patient: registry and study identifiers, gender, birthDate as collected, deceased."""
    usubjid = str(dm["USUBJID"])
    ids = [{"use": "usual", "system": ctx.system("subject"), "value": str(dm["SUBJID"])},
           {"use": "official", "system": ctx.system("usubjid"), "value": usubjid}]
    res: dict = {"resourceType": "Patient", "id": ctx.id("Patient", usubjid), "identifier": ids}
    sex = "" if is_blank(dm.get("SEX")) else str(dm["SEX"])
    if sex:
        res["gender"] = GENDER.get(sex, "unknown")
    birth = ctx.date_of(dm, "DM", "BRTHDTC")
    if birth:
        res["birthDate"] = birth
    death = ctx.datetime_of(dm, "DM", "DTHDTC")
    if death:
        res["deceasedDateTime"] = death
    elif str(dm.get("DTHFL", "")) == "Y":
        res["deceasedBoolean"] = True
    if not is_blank(dm.get("COUNTRY")):
        res["address"] = [{"country": str(dm["COUNTRY"])}]
    if not is_blank(dm.get("SITEID")):
        res["managingOrganization"] = ctx.ref("Organization", dm["SITEID"])
    return res


def research_subject(ctx: FhirContext, dm, ds) -> dict:
    """ResearchSubject: status from disposition, period RFSTDTC-RFPENDTC, planned/actual arm."""
    usubjid = str(dm["USUBJID"])
    res: dict = {"resourceType": "ResearchSubject", "id": ctx.id("ResearchSubject", usubjid),
                 "identifier": [{"system": ctx.system("usubjid"), "value": usubjid}],
                 "status": _status(ds, usubjid)}
    period = {}
    for key, var in (("start", "RFSTDTC"), ("end", "RFPENDTC")):
        val = ctx.datetime_of(dm, "DM", var)
        if val:
            period[key] = val
    if period:
        res["period"] = period
    res["study"] = ctx.ref("ResearchStudy")
    res["individual"] = ctx.ref("Patient", usubjid)
    if not is_blank(dm.get("ARMCD")):
        res["assignedArm"] = str(dm["ARMCD"])
    if not is_blank(dm.get("ACTARMCD")):
        res["actualArm"] = str(dm["ACTARMCD"])
    return res


def _status(ds, usubjid: str) -> str:
    """off-study once a disposition event is recorded, else on-study.

    ``ds`` is the DS frame or (faster) the set of USUBJIDs with a disposition event.
    """
    if isinstance(ds, pd.DataFrame):
        ds = off_study_subjects(ds)
    return "off-study" if ds and usubjid in ds else "on-study"


def off_study_subjects(ds: pd.DataFrame | None) -> set:
    """USUBJIDs with a DSCAT = DISPOSITION EVENT record.

    >>> off_study_subjects(pd.DataFrame({"USUBJID": ["a", "b"], "DSCAT": ["DISPOSITION EVENT", "X"]}))
    {'a'}
    """
    if ds is None or ds.empty or "DSCAT" not in ds:
        return set()
    return set(ds.loc[ds["DSCAT"] == "DISPOSITION EVENT", "USUBJID"].astype(str))
