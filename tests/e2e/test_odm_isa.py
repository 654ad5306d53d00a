"""The bundled CDISC ODM export (samples/odm_isa) with mappings/odm_isa.yaml gives the same SDTM
as the reference sample with mappings/cup_registry.yaml (DM, EX, AE and every other dataset)."""
import importlib.util
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cup2std.api import convert

ROOT = Path(__file__).resolve().parents[2]
ODM_FILE = ROOT / "samples" / "odm_isa" / "isa_cup_odm.xml"
ODM_MAPPING = ROOT / "mappings" / "odm_isa.yaml"


@pytest.fixture(scope="module")
def odm(tmp_path_factory):
    return convert(ODM_FILE, ODM_MAPPING, tmp_path_factory.mktemp("odm-out"))


@pytest.mark.parametrize("name", ["DM", "EX", "AE"])
def test_core_domains_equal_the_reference_conversion(converted, odm, name):
    pd.testing.assert_frame_equal(odm.hub.sdtm(name), converted.hub.sdtm(name),
                                  check_dtype=False, obj=name)


def test_every_other_dataset_equals_too(converted, odm):
    assert odm.hub.datasets == converted.hub.datasets
    for name in converted.hub.datasets:
        pd.testing.assert_frame_equal(odm.hub.sdtm(name), converted.hub.sdtm(name),
                                      check_dtype=False, obj=name)


def test_clean_and_accounted(odm):
    assert odm.exit_code == 0 and odm.log["reconciles"]
    assert not [f for f in odm.hub.ledger.findings if f.rule.startswith("ODM")]


def test_ae_log_is_a_repeating_group_with_provenance(odm):
    ae = odm.hub.frames["AE"]
    first = ae[ae["USUBJID"] == "ISA-CUP-DE-101-001"].sort_values("_SRC_ROW")
    assert first["AESPID"].tolist()[:3] == ["1", "2", "3"]  # ItemGroupRepeatKey
    assert set(ae["_SRC_FORM"]) == {"adverse_events"}
    assert sorted(ae["_SRC_ROW"]) == list(range(1, 30))  # running record number, first = 1


def test_the_sample_has_vendor_extensions_and_no_doctype():
    text = ODM_FILE.read_text(encoding="utf-8")
    assert "OpenClinica:AuditLogs" in text and 'OpenClinica:Status="signed"' in text
    assert "<!DOCTYPE" not in text and 'FileType="Snapshot"' in text


def test_committed_file_is_what_the_generator_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_odm_isa",
                                                  ODM_FILE.parent / "make_odm_isa.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert mod.write(tmp_path).read_bytes() == ODM_FILE.read_bytes()


def test_cli_converts_odm(tmp_path):
    run = subprocess.run([sys.executable, "-m", "cup2std", "convert", str(ODM_FILE),
                          "--mapping", str(ODM_MAPPING), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "o" / "sdtm" / "ae.xpt").exists()


def test_odm_mapping_refuses_a_csv_folder(sample_dir, tmp_path):
    from cup2std.errors import UsageError
    with pytest.raises(UsageError, match="CDISC ODM .xml"):
        convert(sample_dir, ODM_MAPPING, tmp_path)
