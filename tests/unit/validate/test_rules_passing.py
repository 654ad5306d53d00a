"""Passing cases: each rule is silent on data that satisfies it."""
from __future__ import annotations

import pandas as pd
import pytest

from cup2std.validate.ctcae_suggest import suggest
from cup2std.validate.isodates import after, iso_real, iso_syntax_ok
from cup2std.validate.registry import RuleContext
from cup2std.validate.rules import RULES, run_rules

# On the clean sample only these two rules speak (real-world data, reported as warnings).
EXPECTED_ON_SAMPLE = {"CT002", "CTC002"}
SILENT = sorted(rid for rid, r in RULES.items() if not r.external and rid not in
                EXPECTED_ON_SAMPLE)


@pytest.mark.parametrize("rid", SILENT)
def test_rule_is_silent_on_the_clean_sample(clean_frames, clean_ctx, rid):
    assert [f.render() for f in run_rules(clean_frames, clean_ctx, only=[rid])] == []


def test_ct002_passes_an_extensible_term():
    ex = pd.DataFrame({"USUBJID": ["S-1"], "EXROUTE": ["ORAL"]})
    assert run_rules({"EX": ex}, only=["CT002"]) == []
    ex["EXROUTE"] = "BY MOUTH"
    assert [f.value for f in run_rules({"EX": ex}, only=["CT002"])] == ["BY MOUTH"]


def test_ctc002_passes_a_ctcae_term_in_any_case():
    ae = pd.DataFrame({"USUBJID": ["S-1"] * 2, "AEDECOD": ["Anemia", "febrile neutropenia"],
                       "AETOXGR": ["2", "3"]})
    assert run_rules({"AE": ae}, only=["CTC002"]) == []


def test_ctcae_rules_skip_a_package_graded_by_severity():
    ae = pd.DataFrame({"USUBJID": ["S-1"], "AEDECOD": ["Headache NOS"], "AESEV": ["MILD"]})
    assert run_rules({"AE": ae}, only=["CTC001", "CTC002", "CTC003"]) == []


def test_sample_warnings_carry_ctcae_suggestions(clean_frames, clean_ctx):
    msgs = {f.value: f.message for f in run_rules(clean_frames, clean_ctx, only=["CTC002"])}
    assert '"Chest pain - cardiac"' in msgs["Angina pectoris"]
    assert '"Cardiac disorders - Other, specify"' in msgs["Angina pectoris"]
    assert '"Bronchial infection"' in msgs["Bronchitis"]
    assert '"Weight loss"' in msgs["Cachexia"]
    assert '"Neutrophil count decreased"' in msgs["Neutropenia"]
    assert "Other, specify" in msgs["Plasma cell myeloma"]


def test_suggest_uses_the_soc_when_no_synonym_is_known():
    assert suggest("Plasma cell myeloma", "Neoplasms benign, malignant and unspecified "
                   "(incl cysts and polyps)") == [
        "Neoplasms benign, malignant and unspecified (incl cysts and polyps) - Other, specify"]
    assert suggest("Plasma cell myeloma", "") == []


def test_grade_defined_examples_from_ctcae():
    ae = pd.DataFrame({"USUBJID": ["S-1"] * 4,
                       "AEDECOD": ["Febrile neutropenia", "Disease progression", "Pruritus",
                                   "Pruritus"],
                       "AETOXGR": ["3", "4", "4", "3"]})
    assert sorted(f.value for f in run_rules({"AE": ae}, only=["CTC003"])) == ["4", "4"]


def test_cutoff_option_applies_when_ts_has_none():
    dm = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "RFSTDTC": ["2021-01", "2021-03-02"]})
    found = run_rules({"DM": dm}, RuleContext(cutoff="2021-02-28"), only=["DT004"])
    assert [f.subject for f in found] == ["S-2"]
    assert run_rules({"DM": dm}, RuleContext(), only=["DT004"]) == []


def test_iso_dates_partial_and_unknown_components():
    s = pd.Series(["2020", "2020-07", "2020---14", "2020-07-14T10:30:00", "P3D",
                   "2020-07-14/2020-07-20", "14.07.2020", "2020-7"])
    assert iso_syntax_ok(s).tolist() == [True] * 6 + [False, False]
    assert iso_real(pd.Series(["2021-02-29", "2020-02-29"])).tolist() == [False, True]
    assert after(pd.Series(["2021-02", "2021"]), pd.Series(["2021-01-31", "2021-12"])).tolist() \
        == [True, False]
