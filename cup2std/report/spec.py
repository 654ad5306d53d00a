"""The report spec: study-level choices of a report, as data (YAML), over generic defaults.

Everything a report needs to know that SDTM does not standardise lives here: which category
values mean "concomitant medication", how a cycle number is read from EX, how disposition
reasons are grouped, the date the figure ends. The defaults below work on any SDTM package;
a study file (``mappings/cup_registry.report.yaml``) overrides only what it needs. Unknown keys
are a :class:`SpecError` naming the file, line and nearest valid key.

>>> spec = load_report_spec(None)
>>> spec["cycles"]["divisor"], spec["adverse_events"]["teae"]["qnam"]
(100, 'AETRTEM')
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from cup2std.errors import SpecError
from cup2std.spec.load import nearest
from cup2std.spec.yaml_lines import LocDict, load_yaml_file

# Keys whose value is free-form (a list or mapping the code reads as data), not checked deeper.
_FREE = {"prior_therapies", "concomitant", "reasons", "other_drugs", "related_values",
         "completed", "exclude_armcd", "reference", "withdrawn_values", "high_grade_values",
         "outcome", "markers", "vitals", "flags"}

DEFAULTS: dict[str, Any] = {
    "title": None,                      # default: TS TITLE, else the STUDYID
    "population": "treated",            # treated (first exposure date or EX record) | all
    "exclude_armcd": ["SCRNFAIL", "NOTASSGN"],
    "investigational_product": None,    # default: TS TRT
    "program": {"start": None, "end": None,       # defaults: TS SSTDTC / SENDTC
                "figure_end": None},              # default: last end of participation
    "baseline": {
        "flags": ["LOBXFL", "BLFL"],     # --LOBXFL or --BLFL = Y marks the baseline record
        "vitals": ["WEIGHT", "HEIGHT"],   # VSTESTCD values, median (min, max)
        "ecog_testcd": "ECOG101",
        "diagnosis": {"mhcat": "PRIMARY DIAGNOSIS",
                      # first date found per subject: DS milestone DSDECOD, or a DM variable
                      "reference": ["DS:ENTERED INTO TRIAL", "DM:RFICDTC", "DM:RFSTDTC"],
                      "unit": "completed_years"},  # completed_years | years | months
        "prior_lines_qnam": "PRIORLN",
        "prior_therapies": None,         # None: every CMTRT of the CMPRESP=Y records
        "concomitant": [
            {"label": "Concomitant medication", "domain": "CM", "variable": "CMCAT",
             "value": "CONCOMITANT MEDICATION"},
            {"label": "Concomitant disease", "domain": "MH", "variable": "MHCAT",
             "value": "CONCOMITANT DISEASE"},
        ],
    },
    "adverse_events": {
        "teae": {"qnam": "AETRTEM", "value": "Y"},
        "grade_variable": "AETOXGR",
        "high_grade": 3,
        "related_values": ["RELATED", "POSSIBLY RELATED", "PROBABLY RELATED",
                           "DEFINITELY RELATED", "POSSIBLE", "PROBABLE", "DEFINITE", "Y"],
        "other_drugs": "auto",           # auto: SUPPAE QNAM AEREL* labelled "Relationship to X"
        "aesi_qnam": "AESI",
        "withdrawn_values": ["DRUG WITHDRAWN"],
        "early_onset_days": None,        # TEAEs at most N days after the first dose (text count)
        "outcome": {"fatal": ["FATAL"],
                    "not_recovered": ["NOT RECOVERED/NOT RESOLVED", "RECOVERING/RESOLVING"]},
    },
    "disposition": {
        "dscat": "DISPOSITION EVENT",
        "completed": ["COMPLETED"],
        "reasons": None,                 # None: one row per DSDECOD; else [{label, values}]
    },
    "cycles": {
        "variable": "VISITNUM",          # VISITNUM (number // divisor) or VISIT (pattern)
        "divisor": 100,
        "visit_pattern": r"(?i)\bcycle\s*(\d+)",  # records whose VISIT matches count
        "length_days": None,             # last cycle ends start + length (None: open)
        "treatments": None,              # EXTRT values that count (None: all)
    },
    "swimmer": {"markers": None,         # {reason label: matplotlib marker}
                "completed_label": "Completed"},
}


def load_report_spec(path: str | Path | None) -> dict[str, Any]:
    """DEFAULTS overlaid with the file at ``path`` (its ``report:`` section, or the whole file).

    >>> load_report_spec(None)["population"]
    'treated'
    """
    spec = copy.deepcopy(DEFAULTS)
    if path is None:
        return spec
    path = Path(path)
    doc = load_yaml_file(path, "report spec", "pass --spec with the path of a *.report.yaml "
                         "file (see docs/reports.md)") or LocDict()
    if not isinstance(doc, dict):
        raise SpecError("a report spec is a mapping of keys (see docs/reports.md)", file=str(path))
    if "report" in doc:
        doc = doc["report"]
    doc = {k: v for k, v in doc.items() if k != "report_version"}
    _overlay(spec, doc, str(path), "")
    return spec


def _overlay(base: dict, doc: dict, file: str, where: str) -> None:
    for key, value in doc.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in base:
            line = doc.line_of(key) if isinstance(doc, LocDict) else None
            raise SpecError(f"unknown report spec key '{key}'.{nearest(key, base)} "
                            f"Valid here: {', '.join(base)}", file=file, line=line, key=path)
        if isinstance(base[key], dict) and key not in _FREE:
            if not isinstance(value, dict):
                line = doc.line_of(key) if isinstance(doc, LocDict) else None
                raise SpecError(f"'{path}' is a section of keys ({', '.join(base[key])})",
                                file=file, line=line, key=path)
            _overlay(base[key], value, file, path)
        else:
            base[key] = value
