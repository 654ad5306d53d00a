"""The floor: a hand-written conversion that only reads the CSV forms and writes SDTM XPT files.

No mapping, no checks, no derivations beyond what the XPT files need: each form becomes one
dataset (DM, EX, AE, DS, CM, MH) with renamed columns and text values, written with pyreadstat.
It is what the SDTM part of cup2std is compared with (goal: within 3x).

    python benchmarks/floor.py SOURCE_DIR OUT_DIR
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pandas as pd
import pyreadstat

DATASETS = {
    "dm": ("patients.csv", {"patient_id": "SUBJID", "site_id": "SITEID", "sex": "SEX",
                            "birth_date": "BRTHDTC", "age": "AGE", "country": "COUNTRY"}),
    "ex": ("administrations.csv", {"patient_id": "SUBJID", "drug": "EXTRT", "dose": "EXDOSE",
                                   "dose_unit": "EXDOSU", "route": "EXROUTE",
                                   "frequency": "EXDOSFRQ", "start_date": "EXSTDTC",
                                   "end_date": "EXENDTC", "adjustment": "EXADJ"}),
    "ae": ("adverse_events.csv", {"patient_id": "SUBJID", "ae_no": "AESPID", "verbatim": "AETERM",
                                  "ctcae_term": "AEDECOD", "meddra_code": "AEPTCD", "soc": "AESOC",
                                  "start_date": "AESTDTC", "end_date": "AEENDTC",
                                  "grade": "AETOXGR", "serious": "AESER",
                                  "related_isatuximab": "AEREL", "action_isatuximab": "AEACN",
                                  "outcome": "AEOUT"}),
    "ds": ("end_of_treatment.csv", {"patient_id": "SUBJID", "reason": "DSTERM",
                                    "end_date": "DSSTDTC"}),
    "cm": ("conmeds.csv", {"patient_id": "SUBJID", "medication": "CMTRT", "category": "CMCAT",
                           "start_date": "CMSTDTC", "end_date": "CMENDTC"}),
    "mh": ("medical_history.csv", {"patient_id": "SUBJID", "condition": "MHTERM",
                                   "start_date": "MHSTDTC"}),
}
NUMERIC = {"AGE", "EXDOSE", "AEPTCD", "AETOXGR"}


def main(source: str, out: str) -> None:
    """Convert; prints {"seconds": time spent after the imports} as JSON."""
    start = time.perf_counter()
    src, dst = Path(source), Path(out)
    dst.mkdir(parents=True, exist_ok=True)
    for name, (file, columns) in DATASETS.items():
        df = pd.read_csv(src / file, dtype=str, keep_default_na=False, encoding="utf-8")
        df = df[list(columns)].rename(columns=columns)
        df.insert(0, "STUDYID", "ISA-CUP-DE")
        df.insert(1, "DOMAIN", name.upper())
        df.insert(2, "USUBJID", "ISA-CUP-DE-" + df["SUBJID"])
        df[f"{name.upper()}SEQ"] = df.groupby("USUBJID").cumcount() + 1.0
        for col in df.columns:
            if col in NUMERIC:
                df[col] = pd.to_numeric(df[col], errors="coerce")
            elif df[col].dtype != float:
                # XPT v5 text is ASCII
                df[col] = df[col].str.encode("ascii", "replace").str.decode("ascii")
        pyreadstat.write_xport(df, str(dst / f"{name}.xpt"), table_name=name.upper(),
                               file_format_version=5)
    print(json.dumps({"seconds": round(time.perf_counter() - start, 3)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
