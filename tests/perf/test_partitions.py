"""Outputs do not depend on how the subjects are partitioned or on the number of processes."""
from __future__ import annotations

import json
import re

import pandas as pd
import pyreadstat
import pytest

from cup2std.api import convert
from cup2std.synth import write_synth


@pytest.fixture(scope="module")
def synth_1000(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth1k")
    write_synth(1000, folder, seed=1)
    return folder


def _files(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != "conversion-log.json"}


_STAMP = re.compile(rb"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[^\"<]*")


def _same_but_stamp(name, out_a, out_b) -> bool:
    """XPT headers and define.xml carry the time of writing: compare content instead."""
    pa, pb = out_a / name, out_b / name
    if name.endswith(".xpt"):
        (da, ma), (db, mb) = pyreadstat.read_xport(pa), pyreadstat.read_xport(pb)
        pd.testing.assert_frame_equal(da, db)
        return ma.column_names_to_labels == mb.column_names_to_labels
    if name.endswith((".xml", ".html")):
        return _STAMP.sub(b"", pa.read_bytes()) == _STAMP.sub(b"", pb.read_bytes())
    return False


@pytest.mark.slow
def test_one_partition_equals_several(synth_1000, tmp_path):
    one = convert(synth_1000, out=tmp_path / "one", subjects_per_partition=1000, jobs=1)
    many = convert(synth_1000, out=tmp_path / "many", subjects_per_partition=137, jobs=2)
    a, b = _files(one.out), _files(many.out)
    assert sorted(a) == sorted(b)
    assert len([k for k in a if k.startswith("fhir/bundles/")]) == 1000
    different = [k for k in a if a[k] != b[k] and not _same_but_stamp(k, one.out, many.out)]
    assert different == [], different
    log_a = json.loads((one.out / "conversion-log.json").read_text())
    log_b = json.loads((many.out / "conversion-log.json").read_text())
    for key in ("datasets", "findings", "sources", "rejects", "transliterations"):
        assert log_a[key] == log_b[key], key


def test_failure_beside_the_fhir_workers_stops_them(monkeypatch, tmp_path):
    """A stage that fails while the FHIR workers run must not leave them (or staging) behind."""
    import multiprocessing

    import cup2std.api as api

    def broken(*args, **kwargs):
        raise RuntimeError("validation broke")

    monkeypatch.setattr(api, "run_rules", broken)
    with pytest.raises(RuntimeError, match="validation broke"):
        convert("samples/isa_cup", out=tmp_path / "out", jobs=2, subjects_per_partition=3)
    assert multiprocessing.active_children() == []
    assert not (tmp_path / "out" / ".cup2std-staging").exists()
    assert not (tmp_path / "out" / "conversion-log.json").exists()


def test_sdtm_frames_are_let_go_once_no_writer_reads_them(monkeypatch, tmp_path):
    """convert drops the datasets as written (and the SDTM views) before the first writer after
    the last one that reads them, wherever that reader stands in the list."""
    import cup2std.api as api

    seen = []

    def writer(label, reads=False):
        def write(hub, staging, datasets, ledger):
            seen.append((label, all("dataset" in d for d in datasets.values()),
                         bool(hub._sdtm_cache)))
            return {}
        if reads:
            write.reads_package = True
        return write

    writers = [("a", writer("a")), ("reader", writer("reader", reads=True)), ("b", writer("b"))]
    monkeypatch.setattr(api, "load_plugins", lambda: writers)
    result = convert("samples/isa_cup", out=tmp_path / "out", jobs=1)
    assert seen == [("a", True, True), ("reader", True, True), ("b", False, False)]
    assert "dataset" not in result.datasets["AE"] and result.datasets["AE"]["records"] == 29
