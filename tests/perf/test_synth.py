"""The synthetic export: deterministic, realistic, and converted without error findings."""
from __future__ import annotations

import csv
from collections import Counter

import pytest

from cup2std.api import convert
from cup2std.standards import load_ctcae
from cup2std.synth import write_synth
from cup2std.synth.patient import make_patient
from cup2std.synth.terms import AE_TERMS


def test_every_weighted_term_is_a_ctcae_term_with_grades():
    ctcae = load_ctcae()
    missing = [t for t, _ in AE_TERMS if t != "*" and ctcae.term(t) is None]
    assert missing == []


def test_same_seed_same_patient_other_seed_other_patient():
    assert make_patient(3, 41) == make_patient(3, 41)
    assert make_patient(3, 41) != make_patient(4, 41)


def test_files_do_not_depend_on_the_number_of_processes(tmp_path):
    write_synth(300, tmp_path / "a", seed=2, jobs=1)
    import cup2std.synth.export as export
    old, export.CHUNK = export.CHUNK, 70   # several chunks on two processes
    try:
        write_synth(300, tmp_path / "b", seed=2, jobs=2)
    finally:
        export.CHUNK = old
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes(), f.name


@pytest.fixture(scope="module")
def synth_200(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth")
    write_synth(200, folder, seed=5)
    return folder


def _rows(folder, form):
    with open(folder / f"{form}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_grades_are_defined_for_their_terms_and_realistic(synth_200):
    ctcae = load_ctcae()
    aes = _rows(synth_200, "adverse_events")
    assert 8 <= len(aes) / 200 <= 12
    assert all(int(r["grade"]) in ctcae.term(r["ctcae_term"]).grades for r in aes)
    share = Counter(r["grade"] for r in aes)
    assert share["1"] > share["3"] > share["4"] > share["5"] > 0
    assert any(len(r["start_date"]) == 7 for r in aes)       # partial dates


def test_dosing_deaths_and_discontinuations(synth_200):
    adm = _rows(synth_200, "administrations")
    assert 20 <= len(adm) / 200 <= 30
    assert {r["drug"] for r in adm} == {"isatuximab", "pomalidomide", "dexamethasone"}
    eot = _rows(synth_200, "end_of_treatment")
    reasons = Counter(r["reason"] for r in eot)
    assert reasons["death"] and reasons["disease progression"] and reasons["end of program"]
    assert sum(bool(r["death_date"]) for r in eot) > reasons["death"]   # deaths in follow-up


def test_converts_with_the_reference_mapping_without_errors(synth_200, tmp_path):
    result = convert(synth_200, out=tmp_path / "out")
    errors = [f for f in result.hub.ledger.findings if f.severity == "error"]
    assert errors == [] and not result.hub.ledger.rejects
    assert result.exit_code == 0
    assert result.log["reconciles"]
