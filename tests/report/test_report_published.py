"""Every figure of Tables 1-3 and the text counts of the paper, from the sample's SDTM package.

Expected values typed from tests/fixtures/published-figures.md (source: Leitner et al., Front.
Hematol. 2024). Cells are `n (%)` of the 18 patients; Table 2 counts patients.
"""
from __future__ import annotations

import pytest

from cup2std.report.model import n_pct

N = 18
TABLE1 = {  # row label as the report prints it -> published value
    "Patients, n": "18",
    "Sites, n": "12",
    "Sex: female": "10 (55.6)",
    "Sex: male": "8 (44.4)",
    "Age, years, median (min, max)": "67 (47, 78)",
    "Weight at baseline, kg, median (min, max)": "75.5 (46, 88)",
    "Height at baseline, cm, median (min, max)": "169.5 (150, 187)",
    "ECOG performance status 0": "5 (27.8)",
    "ECOG performance status 1": "10 (55.6)",
    "ECOG performance status 2": "3 (16.7)",
    "Time from initial diagnosis, years (completed), median (min, max)": "7 (1, 17)",
    "Prior lines of therapy, median (min, max)": "3 (2, 11)",
    "Prior proteasome inhibitor": "18 (100.0)",
    "Prior lenalidomide": "18 (100.0)",
    "Prior pomalidomide": "9 (50.0)",
    "Prior anti-CD38 antibody": "8 (44.4)",
    "Concomitant medication": "8 (44.4)",
    "Concomitant disease": "9 (50.0)",
}

# (SOC, term): any grade, grade >= 3, serious, related to isatuximab, related grade >= 3
TABLE2 = {
    ("Blood and lymphatic system disorders", "Anemia"): (1, 1, 1, 0, 0),
    ("Blood and lymphatic system disorders", "Febrile neutropenia"): (1, 1, 0, 1, 1),
    ("Blood and lymphatic system disorders", "Neutropenia"): (1, 0, 0, 0, 0),
    ("Cardiac disorders", "Angina pectoris"): (1, 0, 1, 1, 0),
    ("Gastrointestinal disorders", "Ascites"): (1, 0, 0, 0, 0),
    ("General disorders and administration site conditions", "Disease progression"):
        (1, 1, 1, 0, 0),
    ("General disorders and administration site conditions", "Localized edema"): (2, 0, 0, 0, 0),
    ("General disorders and administration site conditions", "Pain"): (1, 1, 1, 0, 0),
    ("Infections and infestations", "Bronchitis"): (1, 1, 1, 0, 0),
    ("Infections and infestations", "Urinary tract infection"): (2, 1, 1, 1, 1),
    ("Injury, poisoning and procedural complications", "Fall"): (1, 1, 1, 0, 0),
    ("Injury, poisoning and procedural complications", "Hip fracture"): (1, 1, 1, 0, 0),
    ("Injury, poisoning and procedural complications", "Infusion related reaction"):
        (1, 0, 0, 1, 0),
    ("Investigations", "Neutrophil count decreased"): (1, 1, 0, 1, 1),
    ("Investigations", "Platelet count decreased"): (1, 1, 1, 1, 1),
    ("Metabolism and nutrition disorders", "Cachexia"): (1, 1, 1, 0, 0),
    ("Metabolism and nutrition disorders", "Hypokalemia"): (1, 1, 0, 0, 0),
    ("Musculoskeletal and connective tissue disorders", "Back pain"): (1, 0, 0, 0, 0),
    ("Musculoskeletal and connective tissue disorders", "Bone pain"): (1, 1, 1, 0, 0),
    ("Neoplasms benign, malignant and unspecified (incl cysts and polyps)",
     "Plasma cell myeloma"): (2, 2, 1, 0, 0),
    ("Nervous system disorders", "Dizziness"): (1, 0, 0, 0, 0),
    ("Respiratory, thoracic and mediastinal disorders", "Dyspnea"): (1, 0, 0, 1, 0),
    ("Respiratory, thoracic and mediastinal disorders", "Laryngeal obstruction"):
        (1, 0, 0, 1, 0),
    ("Skin and subcutaneous tissue disorders", "Pruritus"): (1, 0, 0, 1, 0),
    ("Vascular disorders", "Hypertension"): (1, 1, 0, 1, 1),
}
T2_KEYS = ("ANY", "HIGH", "SERIOUS", "RELATED", "RELHIGH")

TEXT = {  # key in the counts table -> (published value, printed cell)
    "ae_events": (29, "29"),
    "ae_patients": (11, "11 (61.1)"),
    "non_teae_events": (1, None),
    "teae_events": (28, "28"),
    "cycle1_events": (19, "19 (67.9)"),
    "cycle1_early_events": (10, "10"),
    "later_events": (9, "9 (32.1)"),
    "related_events": (10, "10 (35.7)"),
    "related_high_events": (5, None),
    "related_high_patients": (4, "4 (22.2)"),
    "related_patients:IP": (6, "6 (33.3)"),
    "related_patients:DEXAMETHASONE": (1, "1 (5.6)"),
    "related_patients:POMALIDOMIDE": (2, "2 (11.1)"),
    "serious_related_events": (3, None),
    "aesi_events": (5, None),
    "withdrawn_patients": (6, "6 (33.3)"),
    "withdrawn_events": (7, None),
    "recovered": (8, "8 (72.7)"),
    "not_recovered": (1, "1 (9.1)"),
    "fatal_patients": (2, "2 (18.2)"),
    "serious_patients": (6, "6 (33.3)"),
}

TABLE3 = {
    "premature_yes": "6 (33.3)", "premature_no": "12 (66.7)",
    "reason:Disease progression": "3 (16.7)", "reason:Death": "2 (11.1)",
    "reason:Other": "1 (5.6)",
    "cycles>=1": "18 (100.0)", "cycles>=2": "13 (72.2)", "cycles>=3": "6 (33.3)",
    "cycles>=4": "3 (16.7)", "cycles>=5": "2 (11.1)",
}


def _cell(table, label: str) -> str:
    hits = [row[1] for row in table.rows if row[0] == label]
    assert len(hits) == 1, f"{table.key}: row {label!r} found {len(hits)} times"
    return hits[0]


@pytest.mark.parametrize("label,expected", list(TABLE1.items()))
def test_table1_figure(sample_report, label, expected):
    assert _cell(sample_report.table("table1_baseline"), label) == expected


def test_table1_has_no_other_rows(sample_report):
    assert [r[0] for r in sample_report.table("table1_baseline").rows] == list(TABLE1)


@pytest.mark.parametrize("soc_term,expected", list(TABLE2.items()),
                         ids=[t for _, t in TABLE2])
def test_table2_row(sample_report, soc_term, expected):
    t = sample_report.table("table2_teae")
    counts = t.values[f"{soc_term[0]}|{soc_term[1]}"]
    assert tuple(counts[k] for k in T2_KEYS) == expected
    row = next(r for r in t.rows if r[:2] == list(soc_term))
    assert row[2:] == [n_pct(n, N) for n in expected]


def test_table2_has_exactly_the_published_terms(sample_report):
    t = sample_report.table("table2_teae")
    assert [tuple(r[:2]) for r in t.rows[1:]] == list(TABLE2)
    assert t.columns[2:] == ["Any grade", "Grade >= 3", "Serious", "Related to ISATUXIMAB",
                             "Related to ISATUXIMAB, grade >= 3"]


@pytest.mark.parametrize("key,expected", list(TEXT.items()))
def test_text_count(sample_report, key, expected):
    t = sample_report.table("text_ae_counts")
    value, printed = expected
    assert t.values[key] == value
    if printed is not None:
        assert t.row(key)[1] == printed


def test_text_count_event_lists_name_the_published_terms(sample_report):
    rows = {r[0]: r[1] for r in sample_report.table("text_ae_counts").rows}
    related_high = next(v for k, v in rows.items() if "grade >= 3 (events)" in k)
    for term in ("Febrile neutropenia", "Urinary tract infection", "Neutrophil count decreased",
                 "Platelet count decreased", "Hypertension"):
        assert term in related_high
    serious = next(v for k, v in rows.items() if k.startswith("Serious TEAEs related"))
    assert "Platelet count decreased (grade 4, serious, dose not changed)" in serious
    assert "Urinary tract infection (grade 3, serious, drug withdrawn)" in serious
    assert "Angina pectoris (grade 2, serious, drug withdrawn)" in serious
    aesi = next(v for k, v in rows.items() if "special interest" in k)
    for term in ("Angina pectoris", "Infusion related reaction", "Dyspnea",
                 "Laryngeal obstruction", "Hypertension"):
        assert term in aesi


@pytest.mark.parametrize("key,expected", list(TABLE3.items()))
def test_table3_figure(sample_report, key, expected):
    t = sample_report.table("table3_exposure")
    assert t.row(key)[1] == expected


def test_nothing_skipped_on_the_sample(sample_report):
    assert sample_report.partial == []
