"""The bundled sample -> SDTM package: every dataset written, read back equal, nothing lost."""
import json

import numpy as np
import pandas as pd
import pyreadstat
import pytest

from cup2std.standards import load_sdtmig
from cup2std.write.package import package_frames
from cup2std.write.xpt import prepare_dataset

EXPECTED = {"DM": 18, "EX": 313, "AE": 29, "DS": 36, "CM": 299, "MH": 32, "VS": 36, "RS": 18,
            "TS": 15}


def test_all_domains_written_with_expected_record_counts(converted):
    written = {n: d["records"] for n, d in converted.datasets.items()}
    for name, n in EXPECTED.items():
        assert written[name] == n, name
    assert {"SUPPDM", "SUPPAE", "SUPPCM", "SUPPDS", "SUPPMH"} <= set(written)
    files = sorted(p.name for p in (converted.out / "sdtm").glob("*.xpt"))
    assert files == sorted(f"{n.lower()}.xpt" for n in written)


def test_no_errors_and_no_rejects_on_the_sample(converted):
    errors = [f.render() for f in converted.hub.ledger.findings if f.severity == "error"]
    assert errors == []
    assert converted.hub.ledger.rejects == []
    assert converted.exit_code == 0


def test_conversion_log_reconciles_every_source_row(converted):
    log = json.loads((converted.out / "conversion-log.json").read_text())
    assert log["reconciles"] is True
    rows = {"patients": 18, "administrations": 313, "adverse_events": 29,
            "end_of_treatment": 18, "conmeds": 227, "medical_history": 14}
    for form, n in rows.items():
        acc = log["sources"][form]
        assert (acc["rows_read"], acc["rows_in_output"], acc["rows_rejected"]) == (n, n, 0)
    assert log["records_by_source_form"]["AE"] == {"adverse_events": 29}
    assert log["datasets"]["EX"]["records"] == 313


def _read_both(path):
    a, meta = pyreadstat.read_xport(str(path))
    b = pd.read_sas(path, format="xport", encoding="ascii")
    return a, meta, b


@pytest.mark.parametrize("name", ["DM", "SUPPDM", "EX", "AE", "SUPPAE", "DS", "CM", "MH", "VS",
                                  "RS", "TS"])
def test_xpt_reads_back_equal_with_two_independent_readers(converted, name):
    frames, _ = package_frames(converted.hub)
    expected, _ = prepare_dataset(name, frames[name])
    a, meta, b = _read_both(converted.out / "sdtm" / f"{name.lower()}.xpt")
    assert list(a.columns) == list(expected.frame.columns) == list(b.columns)
    assert meta.column_labels == expected.labels
    assert meta.table_name == name and len(name) <= 8
    for col in expected.frame.columns:
        want = expected.frame[col]
        if pd.api.types.is_numeric_dtype(want):
            np.testing.assert_array_equal(a[col].to_numpy(float), want.to_numpy(float))
            # pandas reads some true zeros (all-zero IBM bytes) as 5.4e-79, the smallest IBM
            # float: pandas-dev/pandas#50670, open. The bytes are right (pyreadstat reads 0).
            pandas_vals = b[col].to_numpy(float, copy=True)
            pandas_vals[np.abs(pandas_vals) < 1e-70] = 0.0
            np.testing.assert_array_equal(pandas_vals, want.to_numpy(float))
        else:
            assert a[col].fillna("").tolist() == want.fillna("").tolist(), col
            assert b[col].fillna("").str.rstrip().tolist() == want.fillna("").tolist(), col


def test_sdtmig_names_labels_types_order_and_core(converted):
    ig = load_sdtmig()
    for name in ["DM", "EX", "AE", "DS", "CM", "MH", "VS", "RS"]:
        a, meta = pyreadstat.read_xport(str(converted.out / "sdtm" / f"{name.lower()}.xpt"))
        dom = ig[name]
        orders = [dom[c].order for c in a.columns]
        assert orders == sorted(orders), name
        for col in a.columns:
            assert meta.column_names_to_labels[col] == dom[col].label
            is_num = meta.readstat_variable_types[col] == "double"
            assert is_num == dom[col].is_numeric, (name, col)
        req = [v.name for v in dom.variables.values() if v.core in ("Req", "Exp")
               and not v.name.startswith("TAETORD")]
        assert set(req) <= set(a.columns), (name, set(req) - set(a.columns))
        for v in (v for v in dom.variables.values() if v.core == "Req"):
            assert a[v.name].notna().all() and (a[v.name].astype(str) != "").all(), (name, v.name)


def test_xpt_v5_limits(converted):
    for path in (converted.out / "sdtm").glob("*.xpt"):
        a, meta = pyreadstat.read_xport(str(path))
        assert len(meta.table_name) <= 8 and len(meta.file_label) <= 40
        for col in a.columns:
            assert len(col) <= 8 and len(meta.column_names_to_labels[col]) <= 40
            if a[col].dtype == object:
                assert a[col].map(lambda s: s.isascii() and len(s) <= 200).all(), (path, col)
        assert path.read_bytes().startswith(b"HEADER RECORD*******LIBRARY HEADER RECORD")


def test_seq_unique_and_no_day_zero(converted):
    for name in ["AE", "EX", "DS", "CM", "MH", "VS", "RS"]:
        df = converted.hub.sdtm(name)
        assert not df.duplicated(["USUBJID", f"{name}SEQ"]).any()
        for dy in [c for c in df.columns if c.endswith("DY")]:
            assert not (df[dy] == 0).any(), (name, dy)


def test_partial_dates_are_kept_as_collected(converted):
    dm = converted.hub.sdtm("DM").set_index("SUBJID")
    src = pd.read_csv(converted.hub.spec.path.replace("mappings/cup_registry.yaml",
                                                      "samples/isa_cup/patients.csv"), dtype=str)
    assert dm.loc[src["patient_id"], "BRTHDTC"].tolist() == src["birth_date"].tolist()
    mh = converted.hub.sdtm("MH")
    prim = mh[mh["MHCAT"] == "PRIMARY DIAGNOSIS"]
    assert prim["MHSTDTC"].str.fullmatch(r"\d{4}-\d{2}").all()


def test_utf8_in_hub_ascii_in_xpt_and_every_change_reported(converted):
    ae_hub = converted.hub.frames["AE"]
    assert ae_hub["AETERM"].str.contains("ü|ä|ö|ß|Ü|Ä|Ö").any()
    a, _ = pyreadstat.read_xport(str(converted.out / "sdtm" / "ae.xpt"))
    assert a["AETERM"].map(str.isascii).all()
    log = json.loads((converted.out / "conversion-log.json").read_text())
    changed = [c for c in log["transliterations"] if c["dataset"] == "AE"]
    non_ascii = int((~ae_hub.select_dtypes(exclude="number").map(
        lambda s: str(s).isascii())).sum().sum())
    assert len(changed) == non_ascii > 0
    assert all(c["to"].isascii() and not c["from"].isascii() for c in changed)
