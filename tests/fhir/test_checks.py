"""The bulk check covers the study-level resources too, and shared parts keep exact shapes."""
from __future__ import annotations

from pathlib import Path

from cup2std.api import convert
from cup2std.write.fhir.check_bulk import check_resources, known_parts, shape_of, walk

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
    known = known_parts([part])
    assert walk(r1, known=known, bad=[]) == shape_of(r1)
    assert walk(r2, known=known, bad=[]) == shape_of(r2)
    assert walk(r1, known=known, bad=[]) != walk(r2, known=known, bad=[])


def test_a_suspect_value_inside_a_shared_part_makes_every_resource_holding_it_suspect():
    part = {"url": "u", "valueString": "text "}
    known = known_parts([part])
    bad: list = []
    walk({"resourceType": "AdverseEvent", "extension": [part]}, known=known, bad=bad)
    assert bad == ["extension"]


def test_every_resource_with_a_bad_value_is_model_checked_even_when_its_shape_passed():
    good = {"resourceType": "Patient", "id": "p1", "birthDate": "1958-02-28"}
    values = ["1958-02-30", "", " 1958", "1958-02-28T10:00"]
    bad = [{"resourceType": "Patient", "id": f"p{i}", "birthDate": v}
           for i, v in enumerate(values, 2)]
    found = check_resources([good, *bad])
    assert [i for i, _ in found] == [1, 2, 3, 4]
    assert all("birthDate" in problems[0] for _, problems in found)
    assert check_resources([good, {**good, "id": "bad id"}])[0][0] == 1
    # null is suspect too (the model then decides: it reads null as absent)
    suspects: list = []
    walk({**good, "birthDate": None}, bad=suspects)
    assert suspects == ["birthDate"]
