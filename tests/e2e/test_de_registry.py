"""The bundled German export (samples/de_registry) with mappings/de_registry.yaml gives the same
SDTM as the reference sample with mappings/cup_registry.yaml: every dataset, every variable.

Also as an .xlsx workbook (one sheet per form, numbers and dates typed as Excel cells).
"""
import datetime as dt
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

from cup2std.api import convert

ROOT = Path(__file__).resolve().parents[2]
DE_SAMPLE = ROOT / "samples" / "de_registry"
DE_MAPPING = ROOT / "mappings" / "de_registry.yaml"


def generator():
    spec = importlib.util.spec_from_file_location("make_de_registry",
                                                  DE_SAMPLE / "make_de_registry.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def german(tmp_path_factory):
    return convert(DE_SAMPLE, DE_MAPPING, tmp_path_factory.mktemp("de-out"))


def test_same_datasets(converted, german):
    assert german.hub.datasets == converted.hub.datasets


@pytest.mark.parametrize("name", ["DM", "SUPPDM", "EX", "CM", "SUPPCM", "AE", "SUPPAE", "DS",
                                  "SUPPDS", "MH", "SUPPMH", "VS", "RS", "TS"])
def test_every_dataset_equals_the_reference_conversion(converted, german, name):
    pd.testing.assert_frame_equal(german.hub.sdtm(name), converted.hub.sdtm(name),
                                  check_dtype=False, obj=name)


def test_same_findings_and_nothing_rejected(converted, german):
    def key(f):
        return (f.rule, f.severity, f.domain, f.variable, f.subject, f.value)
    assert sorted(map(key, german.hub.ledger.findings)) == sorted(
        map(key, converted.hub.ledger.findings))
    assert german.hub.ledger.rejects == [] and german.log["reconciles"]


def test_the_export_is_really_german():
    raw = (DE_SAMPLE / "Patienten.csv").read_bytes()
    assert raw.startswith("Patienten-Nr.;Zentrum;".encode("cp1252")) and b"\r\n" in raw
    assert "männlich".encode("cp1252") in raw and ";68,0;".encode() in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b"17.07.2020" in raw and b";04.2012;" in raw


def test_committed_files_are_what_the_generator_writes(tmp_path):
    for path in generator().write(tmp_path):
        assert path.read_bytes() == (DE_SAMPLE / path.name).read_bytes(), path.name


def test_a_mistyped_weight_is_reported_not_misread(tmp_path):
    src = tmp_path / "de"
    src.mkdir()
    for p in DE_SAMPLE.glob("*.csv"):
        (src / p.name).write_bytes(p.read_bytes())
    pat = src / "Patienten.csv"
    pat.write_bytes(pat.read_bytes().replace(b";68,0;", b";68.0;", 1))
    got = convert(src, DE_MAPPING, tmp_path / "out")
    bad = [f for f in got.hub.ledger.findings if f.rule == "TYPE001"]
    assert [(f.variable, f.value, f.row) for f in bad] == [("VSSTRESN", "68.0", 2)]


@pytest.fixture(scope="module")
def german_workbook(tmp_path_factory):
    """The German forms as sheets; weights, cycle numbers and registration dates typed."""
    gen = generator()
    path = tmp_path_factory.mktemp("de-xlsx") / "Export.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for form in gen.FORMS:
            df = gen.german_form(form)
            if form == "patients":
                df["Gewicht (kg)"] = [float(v.replace(",", ".")) + 0.5 * (i == 0)
                                      for i, v in enumerate(df["Gewicht (kg)"])]
                df["Registrierungsdatum"] = [dt.datetime.strptime(v, "%d.%m.%Y")
                                             for v in df["Registrierungsdatum"]]
            if form == "administrations":
                df["Zyklus"] = df["Zyklus"].astype(int)
            df.to_excel(xl, sheet_name=form, index=False)
    return path


def test_german_layout_as_xlsx(converted, german_workbook, tmp_path):
    got = convert(german_workbook, DE_MAPPING, tmp_path)
    assert got.hub.ledger.rejects == [] and got.log["reconciles"]
    for name in converted.hub.datasets:
        want = converted.hub.sdtm(name)
        if name == "VS":  # the first weight was typed as 68.5 kg in the workbook
            want = want.copy()
            first = (want["USUBJID"] == "ISA-CUP-DE-101-001") & (want["VSTESTCD"] == "WEIGHT")
            want.loc[first, ["VSORRES", "VSSTRESC", "VSSTRESN"]] = ["68.5", "68.5", 68.5]
        pd.testing.assert_frame_equal(got.hub.sdtm(name), want, check_dtype=False, obj=name)
