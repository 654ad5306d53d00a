"""One synthetic patient in the reference registry layout, drawn from its own seeded stream.

Each patient has its own random stream (seed, patient index), so patient 17 is the same
whether 100 or 100,000 patients are generated, and generation can be split over processes.

>>> rows = make_patient(1, 0)
>>> sorted(rows)
['administrations', 'adverse_events', 'conmeds', 'end_of_treatment', 'medical_history', 'patients']
>>> rows["patients"][0][0]
'101-001'
"""
from __future__ import annotations

import random
from datetime import date, timedelta
from functools import lru_cache

from cup2std.standards import load_ctcae
from cup2std.synth import terms as T

# Early enough that every date (4 years of enrolment, up to 24 cycles, follow-up) falls
# before the reference mapping's data cut-off (TS DCUTDTC 2021-03-01).
FIRST_REGISTRATION = date(2013, 7, 1)
ENROLMENT_DAYS = 4 * 365
SITES = 200


def patient_id(index: int) -> str:
    """Site 101-300 in turn, then the patient number within the site.

    >>> patient_id(0), patient_id(1), patient_id(200)
    ('101-001', '102-001', '101-002')
    """
    return f"{101 + index % SITES}-{index // SITES + 1:03d}"


@lru_cache(maxsize=1)
def _term_table():
    ctcae = load_ctcae()
    tail = [t.term for t in ctcae.terms if set(t.grades) & {1, 2, 3, 4} and t.meddra_code]
    names = [n for n, _ in T.AE_TERMS]
    weights = [w for _, w in T.AE_TERMS]
    return ctcae, tail, names, weights


def _draw_grade(rng: random.Random, grades: tuple[int, ...]) -> int:
    allowed = [g for g in grades if g in T.GRADE_WEIGHTS]
    return rng.choices(allowed, [T.GRADE_WEIGHTS[g] for g in allowed])[0]


def _iso(d: date, precision: str = "day") -> str:
    return d.isoformat()[: {"year": 4, "month": 7, "day": 10}[precision]]


def make_patient(seed: int, index: int) -> dict[str, list[list[str]]]:
    """The rows of every form for patient ``index``: {form: [row, ...]} (values as text)."""
    rng = random.Random(seed * 1_000_003 + index)
    pid = patient_id(index)
    site = pid.split("-")[0]
    reg = FIRST_REGISTRATION + timedelta(days=rng.randrange(ENROLMENT_DAYS))
    age = max(35, min(92, round(rng.gauss(68, 9))))
    birth = date(reg.year - age, rng.randint(1, 12), rng.randint(1, 28))
    if (reg.month, reg.day) < (birth.month, birth.day):
        birth = birth.replace(year=birth.year - 1)
    first = reg + timedelta(days=rng.randrange(0, 11))
    cycles = 1 + min(23, int(rng.expovariate(1 / 2.9)))
    # fate: died on treatment (fatal AE), ended early, or completed the planned cycles
    fate = rng.choices(["death_ae", "death_later", "early", "completed"], [5, 5, 38, 52])[0]
    adm = _administrations(rng, pid, first, cycles, age)
    last_dose = max(date.fromisoformat(r[5][:10] if r[5] else r[4][:10]) for r in adm)
    end_tx = last_dose + timedelta(days=rng.randrange(1, 8))
    death = None
    if fate == "death_ae":
        death = last_dose + timedelta(days=rng.randrange(2, 25))
        end_tx = death
    elif fate == "death_later":
        death = end_tx + timedelta(days=rng.randrange(20, 400))
    aes = _adverse_events(rng, pid, first, last_dose, death if fate == "death_ae" else
                          (death or None), fatal=fate == "death_ae")
    reason = {"death_ae": "death", "completed": "end of program"}.get(fate) or \
        rng.choices([r for r, _ in T.END_REASONS], [w for _, w in T.END_REASONS])[0]
    if fate == "death_later":
        reason = "disease progression"
    eot = [[pid, _iso(end_tx), "no" if reason == "end of program" else "yes", reason,
            "Therapiewunsch anderer Klinik" if reason == "other" else "",
            _iso(death) if death else ""]]
    lines = max(1, min(9, round(rng.lognormvariate(1.1, 0.45))))
    prior, drugs_used = _prior_therapies(rng, pid, reg, lines)
    conmeds = prior + _concomitant(rng, pid, reg)
    mh = _medical_history(rng, pid, reg)
    subtype = rng.choices([s for s, _ in T.SUBTYPES], [w for _, w in T.SUBTYPES])[0]
    diag = reg - timedelta(days=rng.randrange(365, 12 * 365))
    yn = lambda b: "yes" if b else "no"  # noqa: E731
    patients = [[
        pid, site, f"Klinikum {site}", "DEU", rng.choice(["female", "male"]),
        _iso(birth, "year" if rng.random() < 0.8 else "day"), str(age), _iso(reg),
        f"{rng.gauss(74, 13):.1f}" if rng.random() < 0.95 else "",
        str(round(rng.gauss(170, 9))) if rng.random() < 0.93 else "",
        str(rng.choices([0, 1, 2, 3], [30, 45, 20, 5])[0]) if rng.random() < 0.9 else "",
        _iso(diag, "month"), subtype, str(lines),
        yn(drugs_used & T.PROTEASOME_INHIBITORS), yn("Lenalidomid" in drugs_used),
        yn("Pomalidomid" in drugs_used), yn("Daratumumab" in drugs_used),
        yn(rng.random() < 0.85)]]
    return {"patients": patients, "administrations": adm, "adverse_events": aes,
            "end_of_treatment": eot, "conmeds": conmeds, "medical_history": mh}


def _administrations(rng, pid, first, cycles, age):
    rows = []
    dex = "20" if age >= 75 else "40"
    for c in range(1, cycles + 1):
        start = first + timedelta(days=28 * (c - 1))
        last_cycle_short = c == cycles and cycles > 1 and rng.random() < 0.3
        isa_days = (1, 8, 15, 22) if c == 1 else (1, 15)
        if last_cycle_short:
            isa_days = (1,)
        for d in isa_days:
            when = start + timedelta(days=d - 1)
            adj = "adverse event" if rng.random() < 0.02 else ""
            stamp = f"{_iso(when)}T{rng.randint(8, 14):02d}:{rng.choice(['00', '15', '30', '45'])}" \
                if rng.random() < 0.3 else _iso(when)
            rows.append([pid, "isatuximab", str(c), str(d), stamp, "", "10", "mg/kg",
                         "intravenous", "weekly" if c == 1 else "every 2 weeks", adj])
        pom_days = 21 if rng.random() > 0.05 else rng.randint(7, 20)
        rows.append([pid, "pomalidomide", str(c), "1", _iso(start),
                     _iso(start + timedelta(days=pom_days - 1)), "4" if rng.random() > 0.1
                     else "3", "mg", "oral", "daily",
                     "adverse event" if pom_days < 21 else ""])
        for d in (1, 8, 15, 22) if not last_cycle_short else (1, 8):
            when = start + timedelta(days=d - 1)
            rows.append([pid, "dexamethasone", str(c), str(d), _iso(when), "", dex, "mg",
                         "oral", "weekly", ""])
    return rows


def _adverse_events(rng, pid, first, last_dose, death, fatal):
    ctcae, tail, names, weights = _term_table()
    n = max(1, min(30, round(rng.gauss(10, 3.5))))
    window = (last_dose - first).days + 30
    rows = []
    for no in range(1, n + 1):
        name = rng.choices(names, weights)[0]
        if name == "*":
            name = rng.choice(tail)
        term = ctcae.term(name)
        grade = _draw_grade(rng, term.grades)
        onset = first + timedelta(days=rng.randrange(-10, window)) if rng.random() < 0.97 \
            else first - timedelta(days=rng.randrange(11, 60))
        if death and onset > death:
            onset = death - timedelta(days=rng.randrange(0, 5))
        rows.append(_ae_row(rng, pid, no, term, grade, onset, death))
    if fatal:
        term = ctcae.term(rng.choice(T.FATAL_TERMS))
        onset = death - timedelta(days=rng.randrange(0, 10))
        rows.append(_ae_row(rng, pid, n + 1, term, 5, onset, death))
    return rows


def _ae_row(rng, pid, no, term, grade, onset, death):
    if grade == 5:
        end, outcome, serious, crit = _iso(death), "fatal", "yes", "death"
    else:
        ongoing = rng.random() < 0.12
        end_d = onset + timedelta(days=rng.randrange(0, 6 + 10 * grade))
        if death and end_d > death:
            ongoing = True
        outcome = rng.choice(["not recovered/not resolved", "recovering/resolving"]) \
            if ongoing else rng.choices(["recovered/resolved", "recovered/resolved with sequelae"],
                                        [95, 5])[0]
        end = "" if ongoing else _iso(end_d, "month" if rng.random() < 0.04 else "day")
        serious = "yes" if grade >= 3 and rng.random() < 0.45 else "no"
        crit = ""
        if serious == "yes":
            crit = "life-threatening;hospitalization" if grade == 4 and rng.random() < 0.5 \
                else "hospitalization"
    haem = term.term in T.HAEMATOLOGICAL
    rel = lambda p: "related" if rng.random() < p else "not related"  # noqa: E731
    withdrawn = grade >= 3 and rng.random() < 0.04
    action = "drug withdrawn" if withdrawn or grade == 5 else rng.choices(
        ["dose not changed", "drug interrupted", "dose reduced", "unknown"], [80, 14, 4, 2])[0]
    verbatim = T.VERBATIM.get(term.term, term.term)
    start = _iso(onset, "month" if rng.random() < 0.03 and grade < 5 else "day")
    if end and end < start[: len(end)]:
        end = start[: len(end)]
    return [pid, str(no), verbatim, term.term, term.meddra_code, term.soc, start, end,
            str(grade), serious, crit,
            rel(0.55 if haem or term.term == "Infusion related reaction" else 0.2),
            rel(0.6 if haem else 0.2), rel(0.1), action, outcome,
            "yes" if term.term in ("Infusion related reaction", "Hypertension") else "no"]


def _prior_therapies(rng, pid, reg, lines):
    rows, used = [], set()
    months_back = 12 * rng.randint(2, 12)
    start = date(reg.year, reg.month, 1) - timedelta(days=30 * months_back)
    step = max(60, (reg - start).days // lines)
    for line in range(1, lines + 1):
        begin = start + timedelta(days=step * (line - 1))
        end = begin + timedelta(days=rng.randrange(30, step))
        for drug in rng.sample(T.PRIOR_DRUGS, rng.choice([2, 3, 3])):
            used.add(drug)
            rows.append([pid, drug, "prior anti-myeloma therapy", str(line),
                         _iso(begin, "month"), _iso(end, "month"), ""])
    return rows, used


def _concomitant(rng, pid, reg):
    rows = []
    for med, why in rng.sample(T.CONMEDS, rng.choice([0, 1, 2, 2, 3, 4])):
        begin = reg - timedelta(days=rng.randrange(-60, 900))
        end = "" if rng.random() < 0.7 else _iso(begin + timedelta(days=rng.randrange(10, 300)))
        rows.append([pid, med, "concomitant", "", _iso(begin, "month" if rng.random() < 0.3
                                                      else "day"), end, why])
    return rows


def _medical_history(rng, pid, reg):
    rows = []
    for cond in rng.sample(T.CONDITIONS, rng.choice([0, 1, 1, 2, 3])):
        begin = reg - timedelta(days=rng.randrange(100, 20 * 365))
        rows.append([pid, cond, _iso(begin, "year" if rng.random() < 0.6 else "month"),
                     "yes" if rng.random() < 0.8 else "no"])
    return rows
