"""The report on a package cup2std did not write: the CDISC SDTM/ADaM pilot (SAS, 3.1.2)."""
from __future__ import annotations

import shutil

from cup2std.api import report


def test_pilot_tables_computed_from_its_variables(pilot_report):
    t1 = pilot_report.table("table1_baseline")
    assert t1.values["N"] == 254           # treated: screen failures have no RFXSTDTC
    assert t1.values["Female"] == 143 and t1.values["Male"] == 111
    assert t1.row("age")[1] == "77 (51, 89)"
    t3 = pilot_report.table("table3_exposure")
    assert t3.values["premature_no"] == 110
    assert t3.values["reason:Adverse event"] == 92
    t2 = pilot_report.table("table2_teae")
    assert t2.columns[2:] == ["Any grade", "Serious", "Related to Xanomeline"]
    assert pilot_report.swimmer is not None and len(pilot_report.swimmer.lanes) == 254


def test_pilot_says_what_it_could_not_compute(pilot_report):
    partial = "\n".join(pilot_report.partial)
    assert "Weight at baseline: not computed (missing VS (no vs.xpt in the package))" in partial
    assert "ECOG performance status: not computed (missing RS" in partial
    assert "Prior lines of therapy: not computed (missing SUPPDM.PRIORLN)" in partial
    assert "column 'Grade >= 3': not computed (missing AE.AETOXGR)" in partial
    assert "Cycles received: not computed (no EX record has a cycle visit" in partial
    page = (pilot_report.out / "report.html").read_text(encoding="utf-8")
    assert "missing AE.AETOXGR" in page


def test_package_without_ae_skips_the_ae_tables(tmp_path, pilot_dir):
    pkg = tmp_path / "sdtm"
    shutil.copytree(pilot_dir, pkg)
    (pkg / "ae.xpt").unlink()
    result = report(pkg, out=tmp_path / "out")
    assert [t.key for t in result.tables] == ["table1_baseline", "table3_exposure"]
    skipped = {s.key: s.reason for s in result.skipped}
    assert "AE (no ae.xpt in the package)" in skipped["table2_teae"]
    assert "text_ae_counts" in skipped
    assert not (tmp_path / "out" / "table2_teae.csv").exists()
