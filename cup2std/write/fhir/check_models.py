"""Check every resource against the fhir.resources R4B models (pydantic).

R4B (4.3) and R4 (4.0.1) define Patient, Organization, ResearchStudy, ResearchSubject,
Medication, MedicationAdministration, MedicationStatement, AdverseEvent, Observation, Condition
and Bundle, and the data types they use, element for element; no R4B-only element is written.

>>> check_resource({"resourceType": "Patient", "id": "p1", "gender": "female"})
[]
>>> check_resource({"resourceType": "Patient", "id": "p1", "birthDate": "1958-13"})[0][:19]
'Patient.birthDate: '
"""
from __future__ import annotations

from functools import lru_cache

from pydantic import ValidationError


@lru_cache(maxsize=None)
def _model(resource_type: str):
    from fhir.resources.R4B import get_fhir_model_class
    return get_fhir_model_class(resource_type)


def check_resource(resource: dict) -> list[str]:
    """Problems found by the R4B model ('' list when valid), each 'Type.path: message'."""
    rtype = resource.get("resourceType", "")
    try:
        _model(rtype).model_validate(resource)
    except ValidationError as exc:
        return [f"{rtype}.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                for e in exc.errors()]
    except (KeyError, ValueError) as exc:
        return [f"{rtype}: {exc}"]
    return []
