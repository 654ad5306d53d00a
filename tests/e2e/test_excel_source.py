"""The same forms as sheets of one .xlsx workbook convert to the same SDTM as the CSV files."""
import datetime as dt

import pandas as pd
import pytest

from cup2std.api import convert


@pytest.fixture(scope="module")
def workbook(sample_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "export.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for csv in sorted(sample_dir.glob("*.csv")):
            df = pd.read_csv(csv, dtype=str, keep_default_na=False)
            if csv.stem == "patients":
                # Excel users type numbers and dates as such: store them as cell types.
                df["age"] = df["age"].astype(int)
                df["registration_date"] = [dt.datetime.fromisoformat(v)
                                           for v in df["registration_date"]]
            df.to_excel(xl, sheet_name=csv.stem, index=False)
    return path


def test_workbook_converts_like_the_csv_folder(converted, workbook, tmp_path):
    got = convert(workbook, converted.hub.spec.path, tmp_path)
    assert got.exit_code == 0
    for name in converted.hub.datasets:
        pd.testing.assert_frame_equal(got.hub.sdtm(name), converted.hub.sdtm(name),
                                      check_dtype=False, obj=name)
    assert got.log["sources"]["patients"]["file"].endswith("export.xlsx[patients]")


def test_missing_sheet_is_an_optional_form(workbook, converted, tmp_path):
    from openpyxl import load_workbook
    wb = load_workbook(workbook)
    del wb["conmeds"]
    path = tmp_path / "less.xlsx"
    wb.save(path)
    got = convert(path, converted.hub.spec.path, tmp_path / "out")
    assert "conmeds" in got.log["missing_forms"]
    cm = got.hub.sdtm("CM")
    assert set(cm["CMSCAT"]) == {"PRE-SPECIFIED"}  # only the questions from patients remain
