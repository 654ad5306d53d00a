"""The mapping's optional fhir: section is checked before any data is read."""
from __future__ import annotations

from pathlib import Path

import pytest

from cup2std.errors import SpecError
from cup2std.spec import load_mapping

MAPPING = Path(__file__).resolve().parents[2] / "mappings" / "cup_registry.yaml"


def with_fhir(tmp_path, old: str, new: str) -> Path:
    text = MAPPING.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "m.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_sample_mapping_fhir_section_loads():
    spec = load_mapping(MAPPING)
    assert spec.fhir["causality"]["POMALIDOMIDE"] == "SUPPAE.AERELPOM"
    assert spec.fhir["medications"]["ISATUXIMAB"]["coding"][0]["code"] == "L01FC02"


@pytest.mark.parametrize("old,new,expected", [
    ("timezone: Europe/Berlin", "timezone: Europe/Berlinn", "IANA time zone"),
    ("study_status: completed", "study_status: done", "ResearchStudy.status"),
    ("POMALIDOMIDE: SUPPAE.AERELPOM", "POMALIDOMIDE: SUPPAE.AERELPOX", "not declared"),
    ("site_name: SUPPDM.SITENAME", "site_nam: SUPPDM.SITENAME", "unknown key 'site_nam'"),
    ('code: L01FC02, display', 'cod: L01FC02, display', "system and code"),
])
def test_bad_fhir_section_is_a_spec_error_with_line(tmp_path, old, new, expected):
    with pytest.raises(SpecError) as exc:
        load_mapping(with_fhir(tmp_path, old, new))
    assert expected in str(exc.value)
    assert exc.value.line is not None
