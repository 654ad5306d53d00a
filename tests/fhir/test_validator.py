"""Independent R4 validation (Medplum StructureDefinitions + required bindings + AE profile)."""
from __future__ import annotations

import json


def test_all_sample_output_validates_with_zero_errors(converted, node_validate):
    fhir = converted.out / "fhir"
    code, lines = node_validate(*sorted(fhir.glob("*.ndjson")), *sorted(fhir.glob("bundles/*.json")))
    summary = lines[-1]["summary"]
    assert summary["errors"] == 0, lines[:5]
    assert summary["checked"] > 1000 and code == 0


def test_validator_finds_profile_binding_and_structure_errors(converted, node_validate, tmp_path):
    ae = json.loads((converted.out / "fhir" / "AdverseEvent.ndjson").read_text().splitlines()[0])
    serious_without_criteria = dict(ae, extension=[e for e in ae["extension"]
                                                   if not e["url"].endswith("seriousness-criteria")])
    bad_outcome = dict(ae, outcome={"text": "gone"})
    bad_patient = {"resourceType": "Patient", "id": "p", "gender": "woman", "birthDate": "1958-13"}
    path = tmp_path / "bad.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in (serious_without_criteria, bad_outcome,
                                                      bad_patient)) + "\n")
    code, lines = node_validate(path)
    texts = [(x["line"], x["issue"]["details"]["text"]) for x in lines if "issue" in x]
    assert code == 1
    assert any(n == 1 and "aeClinRes-seriousness-1" in t for n, t in texts)
    assert any(n == 2 and "adverse-event-outcome" in t for n, t in texts)
    assert any(n == 3 and "administrative-gender" in t for n, t in texts)
    assert any(n == 3 and "date" in t.lower() for n, t in texts)
