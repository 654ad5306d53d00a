"""Bad rows are rejected with a reason, findings name file/row/column/value, counts reconcile."""
import json

import pandas as pd
import pytest

from cup2std.api import convert
from cup2std.errors import SourceError


def edit(path, fn):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = fn(df)
    df.to_csv(path, index=False)


@pytest.fixture
def defective(sample_copy, mapping_path, tmp_path):
    ae = sample_copy / "adverse_events.csv"
    # row 2: orphan subject; duplicate of row 3's key appended; an unmapped outcome; a bad date
    edit(ae, lambda df: pd.concat([df, df.iloc[[1]]], ignore_index=True))
    edit(ae, lambda df: df.assign(patient_id=["999-999"] + df.patient_id.tolist()[1:]))
    edit(ae, lambda df: df.assign(outcome=df.outcome.where(df.index != 4, "geheilt")))
    edit(ae, lambda df: df.assign(start_date=df.start_date.where(df.index != 5, "2020-02-30")))
    cm = sample_copy / "conmeds.csv"
    edit(cm, lambda df: df.assign(category=df.category.where(df.index != 0, "herbal")))
    return convert(sample_copy, mapping_path, tmp_path / "out")


def test_rejects_have_rule_file_row_and_reason(defective):
    rej = {(r.rule, r.form, r.row) for r in defective.hub.ledger.rejects}
    assert ("REJ002", "adverse_events", 2) in rej           # orphan subject
    assert ("REJ001", "adverse_events", 31) in rej          # duplicate key (appended copy)
    assert ("REJ004", "conmeds", 2) in rej                  # no block selects category 'herbal'
    orphan = next(r for r in defective.hub.ledger.rejects if r.rule == "REJ002")
    assert "999-999" in orphan.reason and orphan.column == "patient_id"


def test_accounting_reconciles_with_rejects(defective):
    log = json.loads((defective.out / "conversion-log.json").read_text())
    ae = log["sources"]["adverse_events"]
    assert (ae["rows_read"], ae["rows_in_output"], ae["rows_rejected"]) == (30, 28, 2)
    assert log["sources"]["conmeds"]["rows_rejected"] == 1
    assert log["reconciles"] is True
    assert len(log["rejects"]) == 3
    assert log["datasets"]["AE"]["records"] == 28


def test_bad_values_are_findings_with_location(defective):
    f = {(x.rule, x.variable): x for x in defective.hub.ledger.findings}
    out = f[("MAP001", "AEOUT")]
    assert (out.row, out.column, out.value) == (6, "outcome", "geheilt")
    assert out.file.endswith("adverse_events.csv")
    date = f[("DATE001", "AESTDTC")]
    assert (date.row, date.value) == (7, "2020-02-30")
    assert "not a real calendar date" in date.message


def test_exit_code_is_1_with_rejects(defective):
    assert defective.exit_code == 1


def test_missing_required_column_stops_before_writing(sample_copy, mapping_path, tmp_path):
    edit(sample_copy / "adverse_events.csv", lambda df: df.drop(columns=["patient_id"]))
    with pytest.raises(SourceError, match="adverse_events.csv, row 1: required column.*patient_id"):
        convert(sample_copy, mapping_path, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_missing_optional_form_is_fine(sample_copy, mapping_path, tmp_path):
    (sample_copy / "medical_history.csv").unlink()
    got = convert(sample_copy, mapping_path, tmp_path / "out")
    assert got.exit_code == 0 and got.log["missing_forms"] == ["medical_history"]
    assert set(got.hub.sdtm("MH")["MHCAT"]) == {"PRIMARY DIAGNOSIS"}


def test_rerun_replaces_output_and_drops_stale_datasets(sample_copy, mapping_path, tmp_path):
    out = tmp_path / "out"
    convert(sample_copy, mapping_path, out)
    (sample_copy / "medical_history.csv").unlink()
    edit(sample_copy / "patients.csv", lambda df: df.assign(mm_subtype=""))
    convert(sample_copy, mapping_path, out)
    assert not (out / "sdtm" / "suppmh.xpt").exists()
    assert not list(out.glob(".cup2std-staging*"))
