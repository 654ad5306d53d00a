"""A second export layout is served by a new mapping file alone (no code change).

The reference sample is rewritten here as a German site network might export it: semicolon,
cp1252, German column names and values, DD.MM.YYYY dates (MM.YYYY and YYYY when partial).
Its DM, EX and AE must equal those of the reference conversion.
"""
from pathlib import Path

import pandas as pd
import pytest

from cup2std.api import convert

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mappings" / "renamed_layout.yaml"

RENAME = {
    "patients": ("patienten", {"patient_id": "pat_nr", "site_id": "zentrum", "country": "land",
                               "sex": "geschlecht", "birth_date": "geburtsjahr", "age": "alter"}),
    "administrations": ("gaben", {"patient_id": "pat_nr", "drug": "wirkstoff", "cycle": "zyklus",
                                  "day": "tag", "start_date": "beginn", "end_date": "ende",
                                  "dose": "dosis", "dose_unit": "einheit", "route": "weg",
                                  "frequency": "frequenz", "adjustment": "anpassung"}),
    "adverse_events": ("unerwuenschte_ereignisse", {
        "patient_id": "pat_nr", "ae_no": "ue_nr", "verbatim": "bezeichnung",
        "ctcae_term": "ctcae_begriff", "meddra_code": "meddra", "start_date": "beginn",
        "end_date": "ende", "grade": "grad", "serious": "schwerwiegend",
        "serious_criteria": "kriterien", "related_isatuximab": "kausal_isa",
        "action_isatuximab": "massnahme", "outcome": "ausgang"}),
    "end_of_treatment": ("abschluss", {"patient_id": "pat_nr", "end_date": "ende",
                                       "death_date": "todesdatum"}),
}
VALUES = {
    "geschlecht": {"female": "weiblich", "male": "männlich"},
    "schwerwiegend": {"yes": "ja", "no": "nein"},
    "kausal_isa": {"related": "ja", "not related": "nein"},
    "wirkstoff": {"isatuximab": "Isatuximab", "pomalidomide": "Pomalidomid",
                  "dexamethasone": "Dexamethason"},
    "weg": {"intravenous": "i.v.", "oral": "p.o."},
    "frequenz": {"once": "einmalig", "daily": "täglich", "weekly": "wöchentlich",
                 "every 2 weeks": "14-tägig"},
    "massnahme": {"dose not changed": "keine", "drug interrupted": "unterbrochen",
                  "dose reduced": "reduziert", "drug withdrawn": "abgesetzt",
                  "not applicable": "entfällt", "unknown": "unbekannt"},
    "ausgang": {"recovered/resolved": "erholt", "recovering/resolving": "erholt sich",
                "not recovered/not resolved": "nicht erholt",
                "recovered/resolved with sequelae": "erholt mit Folgeschäden",
                "fatal": "tödlich", "unknown": "unbekannt"},
}


def german_date(iso: str) -> str:
    if not iso:
        return ""
    date, _, time = iso.partition("T")
    parts = date.split("-")
    out = ".".join(reversed(parts))
    return f"{out} {time}" if time else out


def relayout(sample: Path, dst: Path) -> Path:
    dst.mkdir()
    for form, (name, cols) in RENAME.items():
        df = pd.read_csv(sample / f"{form}.csv", dtype=str, keep_default_na=False)
        df = df.rename(columns=cols)
        for col, vmap in VALUES.items():
            if col in df:
                df[col] = df[col].map(lambda v: vmap.get(v, v))
        for col in ("beginn", "ende", "todesdatum", "geburtsjahr"):
            if col in df:
                df[col] = df[col].map(german_date)
        df.to_csv(dst / f"{name}.csv", sep=";", index=False, encoding="cp1252")
    return dst


@pytest.fixture(scope="module")
def german(sample_dir, tmp_path_factory):
    src = relayout(sample_dir, tmp_path_factory.mktemp("de") / "export")
    return convert(src, FIXTURE, tmp_path_factory.mktemp("de-out"))


@pytest.mark.parametrize("domain", ["DM", "EX", "AE"])
def test_same_records_as_the_reference_mapping(converted, german, domain):
    ref, got = converted.hub.sdtm(domain), german.hub.sdtm(domain)
    common = [c for c in ref.columns if c in got.columns]
    assert len(common) >= 0.9 * len(ref.columns)
    pd.testing.assert_frame_equal(got[common].reset_index(drop=True),
                                  ref[common].reset_index(drop=True), check_dtype=False)


def test_german_export_converts_cleanly(german):
    assert german.hub.ledger.rejects == []
    assert [f.render() for f in german.hub.ledger.findings if f.severity == "error"] == []
    assert german.log["reconciles"]


def test_the_layout_is_really_different(german, sample_dir):
    raw = (german.hub.spec.path, list((Path(german.log["source"])).glob("*.csv")))
    text = (Path(german.log["source"]) / "patienten.csv").read_bytes()
    assert b";" in text and "männlich".encode("cp1252") in text and b"patient_id" not in text
    assert raw[0].endswith("renamed_layout.yaml")
