"""The optional ``fhir:`` section of a mapping: study-specific choices for the FHIR output.

Everything here is a fact about one study that FHIR needs and SDTM does not carry: codes for
the study drugs, where each drug's causality and action taken are recorded, the time zone of
collected times, the study's workflow status. See docs/fhir.md.

>>> check_fhir_section(None, lambda *a, **k: None)
{'timezone': '', 'study_status': 'active', 'site_name': 'SUPPDM.SITENAME', 'identifier_system': '', 'medications': {}, 'causality': {}, 'action': {}}
"""
from __future__ import annotations

import re
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FHIR_KEYS = ("timezone", "study_status", "site_name", "identifier_system", "medications",
             "causality", "action")
MEDICATION_KEYS = ("coding", "text")
CODING_KEYS = ("system", "code", "display")
# R4 ResearchStudy.status (required binding research-study-status).
STUDY_STATUSES = ("active", "administratively-completed", "approved", "closed-to-accrual",
                  "closed-to-accrual-and-intervention", "completed", "disapproved",
                  "in-review", "temporarily-closed-to-accrual",
                  "temporarily-closed-to-accrual-and-intervention", "withdrawn")
# "AEREL" (a variable of the parent domain) or "SUPPAE.AERELPOM" (a QNAM of a SUPP dataset).
_SOURCE = re.compile(r"^(?:SUPP[A-Z]{2}\.)?[A-Z][A-Z0-9_]{0,7}$")
_URI = re.compile(r"^(https?://|urn:)\S+$")


def check_fhir_section(node: Any, fail: Callable, supp_qnams: set | None = None) -> dict:
    """Check the ``fhir:`` section and return it with defaults filled in.

    ``fail(message, node, key, path)`` raises the SpecError (with file and line);
    ``supp_qnams`` holds "SUPPAE.AERELPOM"-style names the mapping declares.
    """
    out = {"timezone": "", "study_status": "active", "site_name": "SUPPDM.SITENAME",
           "identifier_system": "", "medications": {}, "causality": {}, "action": {}}
    if node is None:
        return out
    if not isinstance(node, dict):
        fail("fhir must be a mapping of keys (" + ", ".join(FHIR_KEYS) + ")", node, None, "fhir")
    for k in node:
        if k not in FHIR_KEYS:
            fail(f"unknown key '{k}'. Allowed here: {', '.join(FHIR_KEYS)}.", node, k,
                 f"fhir.{k}")
    if "timezone" in node:
        tz = str(node["timezone"])
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            fail(f"timezone '{tz}' is not an IANA time zone name (e.g. Europe/Berlin)", node,
                 "timezone", "fhir.timezone")
        out["timezone"] = tz
    if "study_status" in node:
        status = str(node["study_status"])
        if status not in STUDY_STATUSES:
            fail(f"study_status '{status}' is not an R4 ResearchStudy.status. Allowed: "
                 f"{', '.join(STUDY_STATUSES)}.", node, "study_status", "fhir.study_status")
        out["study_status"] = status
    if "identifier_system" in node:
        system = str(node["identifier_system"])
        if not _URI.match(system):
            fail("identifier_system must be an absolute URI (http://..., https://... or urn:...)",
                 node, "identifier_system", "fhir.identifier_system")
        out["identifier_system"] = system.rstrip("/")
    if "site_name" in node:
        out["site_name"] = _source(node, "site_name", "fhir.site_name", fail, supp_qnams)
    out["medications"] = _medications(node.get("medications") or {}, fail)
    for key in ("causality", "action"):
        table = node.get(key) or {}
        if not isinstance(table, dict):
            fail(f"{key} must map each study drug (EXTRT) to a variable or SUPPxx.QNAM", node,
                 key, f"fhir.{key}")
        out[key] = {str(drug): _source(table, drug, f"fhir.{key}.{drug}", fail, supp_qnams)
                    for drug in table}
    return out


def _source(node: dict, key: str, path: str, fail: Callable, supp_qnams: set | None) -> str:
    value = str(node[key])
    if not _SOURCE.match(value):
        fail(f"'{value}' must name a variable (AEREL) or a supplemental qualifier "
             f"(SUPPAE.AERELPOM)", node, key, path)
    if "." in value and supp_qnams is not None and value not in supp_qnams:
        known = ", ".join(sorted(supp_qnams)) or "none"
        fail(f"'{value}' is not declared under any domain's supp: in this mapping "
             f"(declared: {known})", node, key, path)
    return value


def _medications(node: Any, fail: Callable) -> dict:
    if not isinstance(node, dict):
        fail("medications must map each study drug (EXTRT value) to {coding, text}", node, None,
             "fhir.medications")
    meds = {}
    for drug, med in node.items():
        path = f"fhir.medications.{drug}"
        if not isinstance(med, dict):
            fail("expected {coding: [{system, code, display}], text}", node, drug, path)
        for k in med:
            if k not in MEDICATION_KEYS:
                fail(f"unknown key '{k}'. Allowed here: {', '.join(MEDICATION_KEYS)}.", med, k,
                     f"{path}.{k}")
        codings = med.get("coding") or []
        if not isinstance(codings, list):
            fail("coding must be a list of {system, code, display}", med, "coding", path)
        for i, c in enumerate(codings):
            cpath = f"{path}.coding[{i}]"
            if not isinstance(c, dict) or "system" not in c or "code" not in c:
                fail("each coding needs system and code", med, "coding", cpath)
            for k in c:
                if k not in CODING_KEYS:
                    fail(f"unknown key '{k}'. Allowed here: {', '.join(CODING_KEYS)}.", c, k,
                         f"{cpath}.{k}")
            if not _URI.match(str(c["system"])):
                fail("system must be an absolute URI", c, "system", f"{cpath}.system")
        meds[str(drug)] = {"coding": [{k: str(c[k]) for k in CODING_KEYS if k in c}
                                      for c in codings],
                           "text": str(med.get("text", ""))}
    return meds
