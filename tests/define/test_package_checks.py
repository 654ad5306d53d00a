"""Package checks before writing: exact XPT size, split past the size limit, ASCII only."""
from __future__ import annotations

import pandas as pd
import pyreadstat

from cup2std.api import convert
from cup2std.engine.hub import build_hub
from cup2std.readers import read_source
from cup2std.spec import load_mapping
from cup2std.write.package import write_sdtm_package
from cup2std.write.split import split_dataset
from cup2std.write.xpt import XptDataset, check_dataset, xpt_size
from tests.define.conftest import REPO


def test_xpt_size_is_the_size_of_the_file_written(sample_out):
    import json
    log = json.loads((sample_out / "conversion-log.json").read_text())
    assert log["datasets"]
    for path in (sample_out / "sdtm").glob("*.xpt"):
        df, meta = pyreadstat.read_xport(str(path))
        labels = [meta.column_names_to_labels[c] for c in df.columns]
        ds = XptDataset(meta.table_name, meta.file_label,
                        df.astype({c: object for c in df.columns
                                   if meta.readstat_variable_types[c] == "string"}), labels)
        assert xpt_size(ds) == path.stat().st_size, path.name


def test_dataset_over_the_limit_is_split_by_subject(tmp_path):
    spec = load_mapping(REPO / "mappings" / "cup_registry.yaml")
    hub = build_hub(spec, read_source(REPO / "samples" / "isa_cup", spec.source))
    limit = 20_000
    written = write_sdtm_package(hub, tmp_path / "sdtm", hub.ledger, max_bytes=limit)
    ex = written["EX"]
    assert ex["split"], "EX (about 70 kB) must be split at a 20 kB limit"
    parts = [pyreadstat.read_xport(p)[0] for p in ex["split"]]
    for p in ex["split"]:
        assert (tmp_path / "sdtm" / "split").joinpath(p.split("/")[-1]).stat().st_size <= limit
    whole = pd.read_sas(ex["file"], format="xport", encoding="ascii")
    assert sum(len(p) for p in parts) == len(whole)
    subjects = [set(p["USUBJID"]) for p in parts]
    assert all(not (a & b) for i, a in enumerate(subjects) for b in subjects[i + 1:])
    assert not written["DM"]["split"]
    assert any(f.rule == "XPT002" and f.domain == "EX" for f in hub.ledger.findings)


def test_dataset_under_the_limit_is_not_split():
    ds = XptDataset("AE", "Adverse Events", pd.DataFrame({"USUBJID": ["S-1"] * 10}), ["Subj"])
    assert split_dataset(ds, xpt_size(ds)) == []
    two = XptDataset("AE", "Adverse Events",
                     pd.DataFrame({"USUBJID": ["S-1"] * 30 + ["S-2"] * 30}), ["Subj"])
    parts = split_dataset(two, xpt_size(two) - 1)
    assert [p.name for p in parts] == ["AE1", "AE2"]
    assert all(xpt_size(p) <= xpt_size(two) - 1 for p in parts)


def test_one_subject_over_the_limit_cannot_be_split():
    import pytest
    ds = XptDataset("AE", "Adverse Events", pd.DataFrame({"USUBJID": ["S-1"] * 100}), ["Subj"])
    with pytest.raises(ValueError, match="one subject"):
        split_dataset(ds, 1000)


def test_non_ascii_text_or_label_is_a_problem():
    good = XptDataset("AE", "Adverse Events", pd.DataFrame({"AETERM": ["Anaemie"]}), ["Term"])
    assert check_dataset(good) == []
    bad_value = XptDataset("AE", "Adverse Events", pd.DataFrame({"AETERM": ["Anämie"]}), ["Term"])
    assert check_dataset(bad_value) == ["AE.AETERM: 1 value(s) not ASCII (first: row 1)"]
    bad_label = XptDataset("AE", "Adverse Events", pd.DataFrame({"AETERM": ["x"]}), ["Größe"])
    assert "not ASCII" in check_dataset(bad_label)[0]


def test_sample_package_is_ascii_throughout(sample_out):
    for path in (sample_out / "sdtm").glob("*.xpt"):
        df, meta = pyreadstat.read_xport(str(path), encoding="latin1")
        text = [c for c in df.columns if meta.readstat_variable_types[c] == "string"]
        assert text
        for col in text:
            assert df[col].map(str.isascii).all(), f"{path.name} {col}"
        assert all(label.isascii() for label in meta.column_labels)


def test_convert_writes_no_define_when_no_dataset_was_written(tmp_path, monkeypatch):
    import cup2std.write.package as package
    monkeypatch.setattr(package, "check_dataset", lambda ds: ["forced problem"])
    convert(REPO / "samples" / "isa_cup", REPO / "mappings" / "cup_registry.yaml",
            tmp_path / "out")
    assert not (tmp_path / "out" / "sdtm" / "define.xml").exists()
