"""Write a synthetic export (reference registry layout) of any size, deterministic by seed.

Patients are generated in chunks, in parallel when ``jobs`` > 1; each chunk's rows are
CSV text joined in patient order, so the files are byte-identical for any ``jobs``.

>>> counts = write_synth(20, "/tmp/synth-doc", seed=1)
>>> counts["patients"]
20
"""
from __future__ import annotations

import csv
import io
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable

from cup2std.synth.patient import make_patient

HEADERS = {
    "patients": ["patient_id", "site_id", "site_name", "country", "sex", "birth_date", "age",
                 "registration_date", "weight_kg", "height_cm", "ecog", "diagnosis_date",
                 "mm_subtype", "prior_lines", "prior_pi", "prior_lenalidomide",
                 "prior_pomalidomide", "prior_anti_cd38", "refractory_last_line"],
    "administrations": ["patient_id", "drug", "cycle", "day", "start_date", "end_date", "dose",
                        "dose_unit", "route", "frequency", "adjustment"],
    "adverse_events": ["patient_id", "ae_no", "verbatim", "ctcae_term", "meddra_code", "soc",
                       "start_date", "end_date", "grade", "serious", "serious_criteria",
                       "related_isatuximab", "related_pomalidomide", "related_dexamethasone",
                       "action_isatuximab", "outcome", "aesi"],
    "end_of_treatment": ["patient_id", "end_date", "premature", "reason", "reason_other",
                         "death_date"],
    "conmeds": ["patient_id", "medication", "category", "line", "start_date", "end_date",
                "indication"],
    "medical_history": ["patient_id", "condition", "start_date", "ongoing"],
}
CHUNK = 2000


def _chunk(args: tuple[int, int, int]) -> dict[str, str]:
    seed, lo, hi = args
    bufs = {form: io.StringIO() for form in HEADERS}
    writers = {form: csv.writer(buf, lineterminator="\n") for form, buf in bufs.items()}
    for i in range(lo, hi):
        for form, rows in make_patient(seed, i).items():
            writers[form].writerows(rows)
    return {form: buf.getvalue() for form, buf in bufs.items()}


def write_synth(patients: int, out: str | Path, seed: int = 1, jobs: int | None = None,
                progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write ``patients`` synthetic patients as the six CSV forms into ``out``; row counts."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    jobs = jobs or (min(2, os.cpu_count() or 1) if patients > 4 * CHUNK else 1)
    tasks = [(seed, lo, min(lo + CHUNK, patients)) for lo in range(0, patients, CHUNK)]
    files = {form: open(out / f"{form}.csv", "w", encoding="utf-8", newline="")
             for form in HEADERS}
    counts = dict.fromkeys(HEADERS, 0)
    try:
        for form, fh in files.items():
            fh.write(",".join(HEADERS[form]) + "\n")
        parts = map(_chunk, tasks) if jobs == 1 else \
            ProcessPoolExecutor(jobs).map(_chunk, tasks)
        for k, part in enumerate(parts):
            for form, text in part.items():
                files[form].write(text)
                counts[form] += text.count("\n")
            if progress:
                progress(tasks[k][2], patients)
    finally:
        for fh in files.values():
            fh.close()
    return counts
