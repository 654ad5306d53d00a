"""What a synthetic Isa-Pd patient is made of: AE terms with weights, drugs, prior therapies.

Weights follow the adverse events reported for isatuximab + pomalidomide + dexamethasone
(ICARIA-MM and CUP/real-world cohorts): cytopenias, infections, infusion reactions, fatigue,
gastrointestinal and musculoskeletal events. Terms are CTCAE v5.0 terms; their MedDRA codes,
SOCs and defined grades come from :func:`cup2std.standards.load_ctcae`.

>>> round(sum(w for _, w in AE_TERMS), 1)
100.0
"""
from __future__ import annotations

# (CTCAE v5.0 term, weight in % of events). Checked against load_ctcae() in tests.
AE_TERMS: tuple[tuple[str, float], ...] = (
    ("Neutrophil count decreased", 12.0), ("Anemia", 7.0), ("Platelet count decreased", 6.5),
    ("Fatigue", 6.0), ("Upper respiratory infection", 5.5), ("Infusion related reaction", 4.5),
    ("Lung infection", 4.5), ("Diarrhea", 4.5), ("Back pain", 3.5), ("Constipation", 3.0),
    ("Dyspnea", 3.0), ("Nausea", 3.0), ("Bronchial infection", 3.0),
    ("Lymphocyte count decreased", 3.0), ("White blood cell decreased", 3.0),
    ("Febrile neutropenia", 2.5), ("Peripheral sensory neuropathy", 2.0), ("Insomnia", 2.0),
    ("Fever", 2.0), ("Cough", 2.0), ("Edema limbs", 2.0), ("Urinary tract infection", 2.0),
    ("Muscle cramp", 1.5), ("Hypertension", 1.0), ("Fall", 1.0), ("Rash maculo-papular", 1.0),
    ("Hyperglycemia", 1.0), ("Vomiting", 1.0), ("Arthralgia", 1.0), ("Dizziness", 1.0),
    ("Bone pain", 1.0), ("Hypokalemia", 1.0), ("Pain in extremity", 1.0),
    ("Thromboembolic event", 0.5), ("Atrial fibrillation", 0.5), ("Sepsis", 0.5),
    # the long tail: any other CTCAE v5.0 term with a grade 1-4, drawn uniformly
    ("*", 0.5),
)

# German verbatim terms for the common events (the rest keep the CTCAE term as verbatim).
VERBATIM = {
    "Neutrophil count decreased": "Neutropenie", "Anemia": "Anämie",
    "Platelet count decreased": "Thrombozytopenie", "Fatigue": "Fatigue/Müdigkeit",
    "Upper respiratory infection": "Infekt der oberen Atemwege",
    "Infusion related reaction": "Infusionsreaktion", "Lung infection": "Pneumonie",
    "Diarrhea": "Diarrhoe", "Back pain": "Rückenschmerzen", "Constipation": "Obstipation",
    "Dyspnea": "Dyspnoe", "Nausea": "Übelkeit", "Bronchial infection": "Bronchitis",
    "Febrile neutropenia": "Febrile Neutropenie", "Urinary tract infection": "Harnwegsinfekt",
}

# Grade proportions of non-fatal events (grade 5 only for the fatal event of a patient who died).
GRADE_WEIGHTS = {1: 0.36, 2: 0.33, 3: 0.23, 4: 0.08}

# Haematological events are the ones usually judged related to pomalidomide and isatuximab.
HAEMATOLOGICAL = {"Neutrophil count decreased", "Anemia", "Platelet count decreased",
                  "Febrile neutropenia", "Lymphocyte count decreased", "White blood cell decreased"}

FATAL_TERMS = ("Disease progression", "Lung infection", "Sepsis", "Febrile neutropenia")

PRIOR_DRUGS = ("Bortezomib", "Lenalidomid", "Dexamethason", "Carfilzomib", "Daratumumab",
               "Melphalan (HDT/ASCT)", "Cyclophosphamid", "Thalidomid", "Ixazomib",
               "Elotuzumab", "Pomalidomid", "Bendamustin")
PROTEASOME_INHIBITORS = {"Bortezomib", "Carfilzomib", "Ixazomib"}

CONMEDS = (("Aciclovir", "herpes zoster prophylaxis"), ("Cotrimoxazol", "PCP prophylaxis"),
           ("ASS 100", "thrombosis prophylaxis"), ("Pantoprazol", "gastric protection"),
           ("Zoledronsäure", "myeloma bone disease"), ("Denosumab", "myeloma bone disease"),
           ("Allopurinol", "hyperuricaemia"), ("Ramipril", "hypertension"),
           ("Metformin", "diabetes mellitus type 2"), ("Apixaban", "atrial fibrillation"),
           ("Filgrastim", "neutropenia"), ("Ondansetron", "nausea"))

CONDITIONS = ("arterielle Hypertonie", "Niereninsuffizienz", "Diabetes mellitus Typ 2",
              "Vorhofflimmern", "Polyneuropathie", "Osteoporose", "Hypothyreose",
              "KHK", "COPD", "Z. n. TVT", "Hypercholesterinämie", "Depression")

SUBTYPES = (("IgG kappa", 35), ("IgG lambda", 17), ("IgA kappa", 12), ("IgA lambda", 8),
            ("Light chain kappa", 15), ("Light chain lambda", 10), ("IgD", 3))

# Reasons for a premature end of treatment (when the patient did not die on treatment).
END_REASONS = (("disease progression", 62), ("adverse event", 14), ("physician decision", 9),
               ("withdrawal by patient", 8), ("other", 7))
