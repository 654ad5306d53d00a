"""The curated synonym table is data with a basis per row; every target is a CTCAE term."""
from __future__ import annotations

import csv
from importlib import resources

from cup2std.standards import load_ctcae
from cup2std.validate.findings import Finding
from cup2std.validate.review import apply_review, parse_review


def test_every_synonym_maps_a_non_ctcae_term_to_a_ctcae_term_with_a_basis():
    ctcae = load_ctcae()
    path = resources.files("cup2std.standards") / "data" / "ctcae_synonyms.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert rows
    for row in rows:
        assert ctcae.term(row["ctcae_term"]) is not None, row
        assert ctcae.term(row["term"]) is None, row
        assert row["basis"].strip(), row


def test_review_matches_by_subject_and_seq_only():
    a = Finding("SER002", "error", "m", domain="AE", subject="S-1", seq=3)
    b = Finding("SER002", "error", "m", domain="AE", subject="S-1", seq=4)
    entries = parse_review({"accept": [{"rule": "SER002", "dataset": "AE", "usubjid": "S-1",
                                        "seq": 3, "justification": "checked with the site"}]})
    assert apply_review([a, b], entries) == []
    assert (a.accepted, b.accepted) == (True, False)
