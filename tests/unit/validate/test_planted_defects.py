"""Each planted defect is caught by its rule, and only by it; the clean sample has no error."""
from __future__ import annotations

from collections import Counter

import pytest

from cup2std.validate.rules import RULES, run_rules
from planted_defects import PLANTED


def _key(f):
    return (f.rule, f.domain, f.variable, f.subject, f.seq, f.row, f.value, f.message)


def test_clean_sample_has_no_error(clean_frames, clean_ctx):
    found = run_rules(clean_frames, clean_ctx)
    assert [f.render() for f in found if f.severity == "error"] == []
    # the real-world warnings: MedDRA terms that are not CTCAE terms
    terms = sorted({f.value for f in found if f.rule == "CTC002"})
    assert terms == ["Angina pectoris", "Bronchitis", "Cachexia", "Neutropenia",
                     "Plasma cell myeloma"]


@pytest.mark.parametrize("rid,what,edit", PLANTED, ids=[p[0] for p in PLANTED])
def test_planted_defect_is_caught_by_its_rule_alone(clean_frames, clean_ctx, rid, what, edit):
    before = {_key(f) for f in run_rules(clean_frames, clean_ctx)}
    edit(clean_frames, clean_ctx)
    new = [f for f in run_rules(clean_frames, clean_ctx) if _key(f) not in before]
    assert new, f"{rid} missed: {what}"
    assert Counter(f.rule for f in new) == Counter({rid: len(new)}), \
        [f.render() for f in new]
    assert all(f.severity == RULES[rid].severity for f in new)


def test_every_frame_rule_has_a_planted_defect():
    planted = {p[0] for p in PLANTED}
    frame_rules = {rid for rid, r in RULES.items() if not r.external}
    assert frame_rules - planted == set()


def test_supp_keys_do_not_run_subject_and_sequence_together(clean_frames, clean_ctx):
    """(S, '12') and (S + '1', '2') are different parents: a SUPPAE record of the first is an
    orphan when only the second exists (a join of concatenated texts would miss it)."""
    f = clean_frames
    supp_row = f["SUPPAE"].index[0]
    usubjid = f["SUPPAE"].loc[supp_row, "USUBJID"]
    f["SUPPAE"].loc[supp_row, "IDVARVAL"] = "12"
    # the only AE rows the record could be confused with: subject id + '1', AESEQ 2
    ae = f["AE"]
    f["AE"] = ae[ae["USUBJID"] != usubjid].copy()
    twin = f["AE"].index[0]
    f["AE"].loc[twin, ["USUBJID", "AESEQ"]] = [usubjid + "1", 2.0]
    found = [x for x in run_rules(f, clean_ctx) if x.rule == "KEY003"]
    assert any(x.value == "AE.AESEQ=12" for x in found), [x.render() for x in found]
