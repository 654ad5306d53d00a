"""SDTMIG 3.4 variable metadata: what a variable is (label, type, core, codelist, order).

Mappings never retype this; the writers and rules read it from here.

>>> ig = load_sdtmig()
>>> ig["AE"]["AETERM"].label
'Reported Term for the Adverse Event'
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

SDTMIG_VERSION = "3.4"
_FILES = ("sdtmig_3_4_variables.csv", "sdtmig_3_4_supplement.csv")

# Natural keys per domain (SDTMIG 3.4 section 4.1.9 and the CDISC pilot define.xml);
# they order records before --SEQ is assigned and become define.xml KeySequence.
DOMAIN_KEYS: dict[str, tuple[str, ...]] = {
    "DM": ("STUDYID", "USUBJID"),
    "AE": ("STUDYID", "USUBJID", "AEDECOD", "AESTDTC"),
    "EX": ("STUDYID", "USUBJID", "EXTRT", "EXSTDTC"),
    "DS": ("STUDYID", "USUBJID", "DSSTDTC", "DSDECOD"),
    "CM": ("STUDYID", "USUBJID", "CMCAT", "CMTRT", "CMSTDTC"),
    "MH": ("STUDYID", "USUBJID", "MHCAT", "MHTERM", "MHSTDTC"),
    "VS": ("STUDYID", "USUBJID", "VSTESTCD", "VISITNUM", "VSDTC"),
    "RS": ("STUDYID", "USUBJID", "RSCAT", "RSTESTCD", "VISITNUM", "RSDTC"),
    "TS": ("STUDYID", "TSPARMCD", "TSSEQ"),
    "SUPPQUAL": ("STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"),
}

# Dataset labels as SDTMIG 3.4 names them.
DOMAIN_LABELS: dict[str, str] = {
    "DM": "Demographics", "AE": "Adverse Events", "EX": "Exposure", "DS": "Disposition",
    "CM": "Concomitant/Concurrent Medications", "MH": "Medical History", "VS": "Vital Signs",
    "RS": "Disease Response and Clin Classification", "TS": "Trial Summary",
    "SE": "Subject Elements", "SV": "Subject Visits", "TA": "Trial Arms",
    "TE": "Trial Elements", "TI": "Trial Inclusion/Exclusion Criteria", "TV": "Trial Visits",
}


@dataclass(frozen=True)
class VariableMeta:
    """One SDTMIG variable: name, label, type ('Char'/'Num'), core ('Req'/'Exp'/'Perm')."""

    domain: str
    order: float
    name: str
    label: str
    type: str
    core: str
    codelist: str | None
    codelist_name: str | None
    codelists: tuple[str, ...]
    role: str

    @property
    def is_numeric(self) -> bool:
        return self.type == "Num"


@dataclass
class DomainMeta:
    """The variables of one domain in SDTMIG order."""

    name: str
    klass: str
    variables: dict[str, VariableMeta] = field(default_factory=dict)

    def __getitem__(self, name: str) -> VariableMeta:
        return self.variables[name]

    def __contains__(self, name: object) -> bool:
        return name in self.variables

    @property
    def label(self) -> str:
        return DOMAIN_LABELS.get(self.name, self.name)

    @property
    def keys(self) -> tuple[str, ...]:
        return DOMAIN_KEYS.get(self.name, ("STUDYID", "USUBJID"))


class Sdtmig(dict):
    """Domain name -> DomainMeta. ``supp(rdomain)`` gives the SUPP-- metadata."""

    version = SDTMIG_VERSION

    def supp(self) -> DomainMeta:
        return self["SUPPQUAL"]


@lru_cache(maxsize=1)
def load_sdtmig() -> Sdtmig:
    """Load the SDTMIG 3.4 metadata shipped with the package."""
    ig = Sdtmig()
    data = resources.files("cup2std.standards") / "data"
    for fname in _FILES:
        with (data / fname).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                dom = ig.setdefault(row["domain"], DomainMeta(row["domain"], row["class"]))
                # A cell may list several codelists (DSDECOD: NCOMPLT;PROTMLST;OTHEVENT);
                # a value is valid when it is in any of them.
                codes = tuple(dict.fromkeys(c for c in (row["codelist_code"] or "").split(";") if c))
                dom.variables[row["variable"]] = VariableMeta(
                    domain=row["domain"], order=float(row["order"]), name=row["variable"],
                    label=row["label"], type=row["type"], core=row["core"],
                    codelist=codes[0] if codes else None,
                    codelist_name=row["codelist_submission_value"].split(";")[0] or None,
                    codelists=codes, role=row["role"],
                )
    return ig
