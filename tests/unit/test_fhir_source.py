"""The FHIR source reader (cup2std/readers/fhir.py) and its path subset (fhir_path.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cup2std.errors import SourceError, SpecError, UsageError
from cup2std.readers import read_source, source_kind
from cup2std.readers.fhir_path import PathError, evaluate, parse
from cup2std.spec import load_mapping

ROOT = Path(__file__).resolve().parents[2]
URL = "http://example.org/ext"
AE = {"resourceType": "AdverseEvent", "id": "a1",
      "subject": {"reference": "Patient/p1"},
      "identifier": {"value": "S-001|7"},
      "date": "2020-07",
      "extension": [
          {"url": URL, "valueAnnotation": {"text": "Kopfschmerz"}},
          {"url": "crit", "extension": [
              {"url": "code", "valueCodeableConcept": {"coding": [{"code": "C1"}]}},
              {"url": "present", "valueBoolean": False}]},
          {"url": "crit", "extension": [
              {"url": "code", "valueCodeableConcept": {"coding": [{"code": "C2"}]}},
              {"url": "present", "valueBoolean": True}]}],
      "outcome": {"coding": [{"system": "ncit", "code": "C49498"},
                             {"system": "r4", "code": "resolved"}], "text": "X: Y"}}
PATIENT = {"resourceType": "Patient", "id": "p1",
           "identifier": [{"use": "official", "value": "S-S-001"}, {"use": "usual", "value": "001"}]}


def values(path: str, resource: dict = AE, resolve=None) -> list:
    return evaluate(parse(path), resource, resolve)


@pytest.mark.parametrize("path, expected", [
    ("date", ["2020-07"]),
    ("outcome.coding.code", ["C49498", "resolved"]),
    ("outcome.coding.where(system = 'r4').code", ["resolved"]),
    ("outcome.coding.where(system != 'r4').code", ["C49498"]),
    ("outcome.coding.first().code", ["C49498"]),
    ("outcome.coding.last().code", ["resolved"]),
    ("outcome.coding[1].code", ["resolved"]),
    ("outcome.where(text.startsWith('X:')).text", ["X: Y"]),
    ("outcome.where(text.startsWith('Z:')).text", []),
    (f"extension('{URL}').valueAnnotation.text", ["Kopfschmerz"]),
    ("extension('crit').where(extension('code').valueCodeableConcept.coding.code = 'C2')"
     ".extension('present').valueBoolean", [True]),
    ("identifier.value.split('|')[1]", ["7"]),
    ("identifier.value.split('|').last()", ["7"]),
    ("missing.element", []),
    ("missing | date", ["2020-07"]),
    ("outcome.coding.where(code).system", ["ncit", "r4"]),
])
def test_paths(path, expected):
    assert values(path) == expected


def test_resolve_follows_references_and_gives_nothing_when_unknown():
    index = {"Patient/p1": PATIENT}
    def resolve(ref): return index.get(ref.get("reference"))
    assert values("subject.resolve().identifier.where(use = 'usual').value",
                  resolve=resolve) == ["001"]
    assert values("subject.resolve().id", resolve=lambda ref: None) == []


@pytest.mark.parametrize("bad, why", [
    ("code.coding.where(system = 'x'", "')' expected"),
    ("code..text", "element name or function expected"),
    ("code.matches('x')", "not supported"),
    ("code.where(system = x)", "literal"),
    ("code[a]", "whole number"),
    ("code.text 'x'", "unexpected"),
    ("code.te$t", "cannot read"),
])
def test_bad_paths_say_why(bad, why):
    with pytest.raises(PathError, match=why.replace("(", r"\(").replace(")", r"\)")):
        parse(bad)


# -- the reader --------------------------------------------------------------------------------

MAPPING = """
mapping_version: 1
study: {STUDYID: S}
source:
  subject: subject_id
  timezone: Europe/Berlin
  forms:
    patients:
      resource: Patient
      subjects: true
      paths: {subject_id: "identifier.where(use = 'usual').value"}
    aes:
      resource: AdverseEvent
      paths:
        subject_id: "subject.resolve().identifier.where(use = 'usual').value"
        start: date
        crit: "extension('crit').where(extension('present').valueBoolean = true).extension('code').valueCodeableConcept.coding.code"
domains:
  DM: {from: patients, variables: {SUBJID: {assign: subject_id}}}
  AE: {from: aes, variables: {AETERM: {assign: crit}, AESTDTC: {date: start}}}
"""


@pytest.fixture
def spec(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING, encoding="utf-8")
    return load_mapping(path)


def _ndjson(folder: Path, resources: list[dict]) -> Path:
    folder.mkdir(exist_ok=True)
    by_type: dict[str, list[str]] = {}
    for r in resources:
        by_type.setdefault(r["resourceType"], []).append(json.dumps(r))
    for rtype, lines in by_type.items():
        (folder / f"{rtype}.ndjson").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_ndjson_folder_gives_one_form_per_resource_type_with_provenance(tmp_path, spec):
    src = _ndjson(tmp_path / "fhir", [PATIENT, AE, {**AE, "id": "a2", "date": "2021-01-25T13:40:00+01:00"}])
    assert source_kind(src) == "fhir"
    data = read_source(src, spec.source)
    aes = data.forms["aes"]
    assert aes["subject_id"].tolist() == ["001", "001"]
    assert aes["crit"].tolist() == ["C2", "C2"]
    assert aes["start"].tolist() == ["2020-07", "2021-01-25T13:40"]   # local time, no offset
    assert aes["_SRC_ROW"].tolist() == [1, 2] and aes["_SRC_LINE"].tolist() == [1, 2]
    assert data.files["aes"].endswith("AdverseEvent.ndjson")


def test_bundle_file_and_shared_resources_read_once(tmp_path, spec):
    bundle = {"resourceType": "Bundle", "type": "transaction", "entry": [
        {"resource": PATIENT}, {"resource": AE}]}
    folder = tmp_path / "bundles"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps(bundle), encoding="utf-8")
    (folder / "b.json").write_text(json.dumps(bundle), encoding="utf-8")  # same resources again
    data = read_source(folder, spec.source)
    assert len(data.forms["patients"]) == 1 and len(data.forms["aes"]) == 1
    assert not data.findings
    one = read_source(folder / "a.json", spec.source)
    assert one.forms["aes"]["_SRC_LINE"].tolist() == [2]  # entry number in the Bundle


def test_a_second_different_copy_is_a_warning(tmp_path, spec):
    src = _ndjson(tmp_path / "fhir", [PATIENT, AE, {**AE, "date": "2020-08"}])
    data = read_source(src, spec.source)
    assert [f.rule for f in data.findings] == ["FHIRIN001"]
    assert data.forms["aes"]["start"].tolist() == ["2020-07"]


def test_unread_resource_types_are_listed(tmp_path, spec):
    src = _ndjson(tmp_path / "fhir", [PATIENT, AE, {"resourceType": "Observation", "id": "o"}])
    data = read_source(src, spec.source)
    assert [(f.rule, "1 Observation" in f.message) for f in data.findings] == [("FHIRIN003", True)]


def test_offset_without_timezone_is_kept_with_a_warning(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.replace("  timezone: Europe/Berlin\n", ""), encoding="utf-8")
    src = _ndjson(tmp_path / "fhir", [PATIENT, {**AE, "date": "2021-01-25T13:40:00+01:00"}])
    data = read_source(src, load_mapping(path).source)
    assert data.forms["aes"]["start"].tolist() == ["2021-01-25T13:40"]
    assert [f.rule for f in data.findings] == ["FHIRIN002"]


def test_broken_json_names_file_and_line(tmp_path, spec):
    src = _ndjson(tmp_path / "fhir", [PATIENT])
    (src / "AdverseEvent.ndjson").write_text(json.dumps(AE) + "\n{\"resourceType\": \n",
                                             encoding="utf-8")
    with pytest.raises(SourceError, match=r"AdverseEvent.ndjson, row 2: is not valid JSON"):
        read_source(src, spec.source)


def test_json_that_is_not_a_resource_is_refused(tmp_path, spec):
    (tmp_path / "x.json").write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(SourceError, match="not a FHIR resource"):
        read_source(tmp_path / "x.json", spec.source)


def test_fhir_mapping_refuses_csv_and_csv_mapping_refuses_fhir(tmp_path, spec):
    with pytest.raises(UsageError, match="FHIR NDJSON or Bundles"):
        read_source(ROOT / "samples" / "isa_cup", spec.source)
    src = _ndjson(tmp_path / "fhir", [PATIENT])
    csv_spec = load_mapping(ROOT / "mappings" / "cup_registry.yaml")
    with pytest.raises(UsageError, match="fhir_r4.yaml"):
        read_source(src, csv_spec.source)


# -- spec checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("paths: {subject_id: \"identifier.where(use = 'usual').value\"}",
     "paths: {subject_id: \"identifier.where(use = 'usual'.value\"}", "expected"),
    ("resource: Patient\n", "resource: Patient\n      file: p.csv\n", "exactly one of"),
    ("      paths: {subject_id: \"identifier.where(use = 'usual').value\"}\n", "", "both"),
    ("timezone: Europe/Berlin", "timezone: Europe/Berlinn", "unknown time zone"),
    ("resource: Patient", "resource: patient", "not a FHIR resource type"),
])
def test_spec_errors_name_the_line(tmp_path, old, new, message):
    assert old in MAPPING
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecError, match=message) as exc:
        load_mapping(path)
    assert exc.value.line is not None


def test_paths_as_a_list_name_their_columns_by_the_path(tmp_path):
    text = MAPPING.replace("      paths: {subject_id: \"identifier.where(use = 'usual').value\"}",
                           "      paths: [\"identifier.where(use = 'usual').value\", gender]")
    text = text.replace("subject: subject_id", "subject: \"identifier.where(use = 'usual').value\"")
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    spec = load_mapping(path)
    assert list(spec.source.forms["patients"].paths) == [
        "identifier.where(use = 'usual').value", "gender"]


def test_bundled_fhir_mapping_loads():
    spec = load_mapping(ROOT / "mappings" / "fhir_r4.yaml")
    assert spec.source.kind == "fhir" and spec.source.timezone == "Europe/Berlin"
