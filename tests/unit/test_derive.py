"""SDTM derivations: study day, reference dates, EPOCH, treatment emergence, --SEQ."""
import pandas as pd
import pytest

from cup2std.engine import derive


def test_study_day_has_no_day_zero():
    got = derive.study_day(pd.Series(["2020-07-13", "2020-07-14", "2020-07-15", "2020-07"]),
                           pd.Series(["2020-07-14T10:00"] * 4))
    assert got.tolist()[:3] == [-1.0, 1.0, 2.0] and pd.isna(got[3])


def frames():
    dm = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "DTHDTC": ["2020-09-01", ""],
                       "ARMCD": ["A", "A"], "ARM": ["Arm A", "Arm A"]})
    ex = pd.DataFrame({"USUBJID": ["S-1", "S-1"], "EXSTDTC": ["2020-07-14", "2020-08-11"],
                       "EXENDTC": ["2020-07-14", "2020-08-31"], "_SRC_ROW": [2, 3]})
    ae = pd.DataFrame({"USUBJID": ["S-1"] * 5,
                       "AESTDTC": ["2020-07-10", "2020-07-14", "2020-09-30", "2020-10-01", "2020-07"],
                       "AEDECOD": list("ABCDE"), "_SRC_ROW": [2, 3, 4, 5, 6]})
    return {"DM": dm, "EX": ex, "AE": ae}


def test_reference_dates_death_flag_actual_arm():
    f = frames()
    derive.derive_reference_dates(f, {"RFXSTDTC": {"first": ["EX.EXSTDTC"]},
                                      "RFXENDTC": {"last": ["EX.EXENDTC"]}})
    derive.derive_death_flag(f)
    derive.derive_actual_arm(f, {})
    dm = f["DM"]
    assert dm["RFXSTDTC"].tolist() == ["2020-07-14", ""]
    assert dm["RFXENDTC"].tolist() == ["2020-08-31", ""]
    assert dm["DTHFL"].tolist() == ["Y", ""]
    assert dm["ACTARMCD"].tolist() == ["A", "NOTTRT"]
    assert dm["ARMNRS"].tolist() == ["", "NOT TREATED"]


def test_treatment_emergent_window_and_partial_onset():
    f = frames()
    derive.derive_reference_dates(f, {"RFXSTDTC": {"first": ["EX.EXSTDTC"]},
                                      "RFXENDTC": {"last": ["EX.EXENDTC"]}})
    meta = {}
    derive.derive_treatment_emergent(f, {"window_days": 30}, meta)
    # before first dose, on it, last dose + 30, + 31, partial month of first dose
    assert f["AE"]["SUPP:AETRTEM"].tolist() == ["N", "Y", "Y", "N", "Y"]
    assert meta[("AE", "AETRTEM")]["qorig"] == "Derived"


def test_epoch_from_dates():
    f = frames()
    derive.derive_reference_dates(f, {"RFXSTDTC": {"first": ["EX.EXSTDTC"]},
                                      "RFXENDTC": {"last": ["EX.EXENDTC"]}})
    derive.derive_epoch(f, "AE", {"before": "SCREENING", "during": "TREATMENT",
                                  "after": "FOLLOW-UP"})
    assert f["AE"]["EPOCH"].tolist() == ["SCREENING", "TREATMENT", "FOLLOW-UP", "FOLLOW-UP", ""]


def test_seq_unique_per_subject_in_key_order():
    f = {"AE": pd.DataFrame({"USUBJID": ["S-2", "S-1", "S-1"], "AEDECOD": ["B", "B", "A"],
                             "AESTDTC": ["", "", ""], "_SRC_ROW": [2, 3, 4]})}
    derive.derive_seq(f, "AE")
    got = f["AE"][["USUBJID", "AEDECOD", "AESEQ"]].values.tolist()
    assert got == [["S-1", "A", 1.0], ["S-1", "B", 2.0], ["S-2", "B", 1.0]]
