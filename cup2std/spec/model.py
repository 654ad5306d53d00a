"""Typed model of a mapping file (``mappings/*.yaml``); see docs/mapping-spec.md.

The model is built only by :func:`cup2std.spec.load_mapping`, which checks it first.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALGORITHMS = ("hardcode", "assign", "date", "template", "compute", "flag", "ctcae", "first_of")
MODIFIERS = ("map", "form", "formats", "when", "contains", "sep", "field", "default", "number")


@dataclass
class VarSpec:
    """Where one variable's value comes from: one algorithm and its modifiers.

    >>> VarSpec("SEX", "assign", "sex", {"map": "sex"}).algorithm
    'assign'
    """

    name: str
    algorithm: str
    arg: Any
    options: dict = field(default_factory=dict)
    line: int = 0
    alternatives: list["VarSpec"] = field(default_factory=list)

    @property
    def origin(self) -> str:
        """Define-XML origin type: Collected, Assigned or Derived."""
        if self.algorithm == "hardcode":
            return "Assigned"
        if self.algorithm in ("assign", "date"):
            return "Collected"
        return "Derived"


@dataclass
class SuppSpec:
    qnam: str
    label: str
    var: VarSpec
    qorig: str = "CRF"
    qeval: str = ""


@dataclass
class Block:
    """One source form feeding one domain: records = rows of ``form`` passing ``where``."""

    domain: str
    form: str
    variables: dict[str, VarSpec]
    where: dict = field(default_factory=dict)
    supp: dict[str, SuppSpec] = field(default_factory=dict)
    line: int = 0
    label: str = ""


@dataclass
class FormSpec:
    name: str
    file: str
    sheet: str
    required: bool = False
    key: list[str] = field(default_factory=list)
    subjects: bool = False
    columns_required: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # export header -> name in the mapping
    item_group: str = ""   # ODM: records are ItemGroupData of this ItemGroupOID
    odm_form: str = ""     # ODM: records are FormData of this FormOID
    resource: str = ""     # FHIR: records are resources of this type
    paths: dict[str, str] = field(default_factory=dict)  # FHIR: column name -> FHIR path

    @property
    def is_odm(self) -> bool:
        return bool(self.item_group or self.odm_form)

    @property
    def is_fhir(self) -> bool:
        return bool(self.resource)


@dataclass
class SourceSpec:
    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    thousands: str = ""
    subject: str = "subject_id"
    date_formats: list[str] = field(default_factory=lambda: ["ISO8601"])
    forms: dict[str, FormSpec] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # renames for every form
    odm_columns: str = "oid"       # ODM: name columns by ItemOID ('oid') or ItemDef Name ('name')
    odm_decode: bool = False       # ODM: replace coded values by their CodeList decode
    timezone: str = ""             # FHIR: IANA zone that dateTimes with an offset are put in

    @property
    def is_odm(self) -> bool:
        return any(f.is_odm for f in self.forms.values())

    @property
    def is_fhir(self) -> bool:
        return any(f.is_fhir for f in self.forms.values())

    @property
    def kind(self) -> str:
        """What the forms read: 'odm', 'fhir' or 'tables' (CSV files or workbook sheets)."""
        return "odm" if self.is_odm else "fhir" if self.is_fhir else "tables"

    def renames(self, form: str) -> dict[str, str]:
        """Header renames for one form: source-wide ones, then the form's own."""
        return {**self.columns, **self.forms[form].columns}

    @property
    def subjects_form(self) -> FormSpec:
        return next(f for f in self.forms.values() if f.subjects)


@dataclass
class Derivations:
    """Generic SDTM derivations and the study's choices for them."""

    reference_dates: dict[str, dict] = field(default_factory=dict)
    epochs: dict[str, str] = field(default_factory=dict)
    treatment_emergent: dict = field(default_factory=dict)
    actual_arm_if_untreated: dict = field(default_factory=dict)


@dataclass
class MappingSpec:
    path: str
    name: str
    study: dict
    source: SourceSpec
    value_maps: dict[str, dict[str, str]]
    blocks: list[Block]
    derivations: Derivations
    trial_summary: list[dict] = field(default_factory=list)
    fhir: dict = field(default_factory=dict)  # the checked ``fhir:`` section (spec/fhir_section.py)

    @property
    def studyid(self) -> str:
        return self.study["STUDYID"]

    @property
    def domains(self) -> list[str]:
        seen: list[str] = []
        for b in self.blocks:
            if b.domain not in seen:
                seen.append(b.domain)
        if self.trial_summary and "TS" not in seen:
            seen.append("TS")
        return seen

    def blocks_for(self, domain: str) -> list[Block]:
        return [b for b in self.blocks if b.domain == domain]
