"""The bulk check covers the study-level resources too, and shared parts keep exact shapes."""
from __future__ import annotations

from pathlib import Path

from cup2std.api import convert
from cup2std.write.fhir.check_bulk import resource_shape, shape_of

ROOT = Path(__file__).resolve().parents[2]


def test_a_bad_medication_code_from_the_mapping_is_a_fhir001_error(tmp_path):
    text = (ROOT / "mappings" / "cup_registry.yaml").read_text(encoding="utf-8")
    assert "code: L01FC02" in text
    mapping = tmp_path / "bad_code.yaml"
    mapping.write_text(text.replace("code: L01FC02", 'code: "L01FC02 "'), encoding="utf-8")
    result = convert(ROOT / "samples" / "isa_cup", mapping=mapping, out=tmp_path / "out")
    bad = [f for f in result.hub.ledger.findings if f.rule == "FHIR001"]
    assert [(f.severity, f.domain) for f in bad] == [("error", "Medication")]
    assert "code" in bad[0].message


def test_known_part_shapes_give_the_full_shape_and_tell_types_apart():
    part = {"url": "u", "extension": [{"url": "x", "valueBoolean": True}]}
    r1 = {"resourceType": "AdverseEvent", "extension": [part, {"url": "v", "valueInteger": 1}]}
    r2 = {"resourceType": "AdverseEvent", "extension": [part, {"url": "v", "valueInteger": "1"}]}
    known = {id(part): shape_of(part)}
    assert resource_shape(r1, known) == shape_of(r1)
    assert resource_shape(r2, known) == shape_of(r2)
    assert resource_shape(r1, known) != resource_shape(r2, known)
