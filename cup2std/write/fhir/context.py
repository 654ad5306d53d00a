"""What every resource builder needs: study, settings, terminology, ids, findings.

Ids are deterministic: a UUID version 5 of study, resource type and the record's natural keys,
so that converting twice gives the same ids and a second push updates instead of duplicating.

>>> ctx = FhirContext.__new__(FhirContext); ctx.study = "S1"
>>> ctx.id("Patient", "S1-001")
'fe465bd9-ad89-577b-b5b3-f14a79977eb9'
"""
from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd
import yaml

from cup2std.engine.hub import Hub
from cup2std.validate.findings import Ledger
from cup2std.write.fhir.datatypes import fhir_date, fhir_datetime, is_blank
from cup2std.write.fhir.qualifiers import QUALIFIERS

# Namespace of cup2std's deterministic resource ids (uuid5(NAMESPACE_URL, "urn:cup2std:fhir")).
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:cup2std:fhir")
AE_IG = "http://hl7.org/fhir/uv/ae-research-backport-ig/StructureDefinition/"
STUDY_EXTENSION = "http://hl7.org/fhir/StructureDefinition/workflow-researchStudy"


@lru_cache(maxsize=1)
def load_fhir_terminology() -> dict:
    """The crosswalks in standards/data/fhir_terminology.yaml (routes, units, NCIt codes).

    >>> load_fhir_terminology()["routes"]["ORAL"]["code"]
    '26643006'
    """
    text = resources.files("cup2std.standards").joinpath(
        "data/fhir_terminology.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass
class FhirContext:
    """Built once per conversion from the hub; resource builders read from it."""

    hub: Hub
    ledger: Ledger
    study: str = ""
    settings: dict = field(default_factory=dict)
    term: dict = field(default_factory=dict)
    refs: dict = field(default_factory=dict, repr=False)   # (type, keys) -> "Type/id"
    memo: dict = field(default_factory=dict, repr=False)   # builders' parts built once
    datetimes: dict = field(default_factory=dict, repr=False)   # --DTC text -> FHIR dateTime

    @classmethod
    def from_hub(cls, hub: Hub, ledger: Ledger) -> "FhirContext":
        ctx = cls(hub, ledger, hub.spec.studyid, dict(hub.spec.fhir or {}),
                  load_fhir_terminology())
        ctx.settings.setdefault("timezone", "")
        return ctx

    def shared(self, key: tuple, build):
        """A part (dict) built once per ``key`` and shared by every resource that needs it.

        Shared parts are never changed after building (resources are only serialised). A part
        whose building raised a finding is not kept: the finding names one record, so the
        next record with the same values builds (and reports) its own.
        """
        part = self.memo.get(key)
        if part is None:
            before = len(self.ledger.findings)
            part = build()
            if len(self.ledger.findings) == before:
                self.memo[key] = part
        return part

    def shared_part_shapes(self) -> dict:
        """id -> (shape, suspect) of every part in ``memo`` (shared dicts, lists of dicts)."""
        from cup2std.write.fhir.check_bulk import known_parts
        parts = []
        for value in self.memo.values():
            parts += value if isinstance(value, list) else [value]
        return known_parts([p for p in parts if isinstance(p, dict)])

    # -- ids and references ----------------------------------------------------------------
    def id(self, rtype: str, *keys) -> str:
        """Deterministic id from study, resource type and natural keys."""
        return uuid5_text("|".join([self.study, rtype, *map(str, keys)]))

    def ref(self, rtype: str, *keys, display: str | None = None) -> dict:
        """A Reference (a new dict each time; the reference text is computed once per target)."""
        target = self.refs.get((rtype, keys))
        if target is None:
            target = self.refs[(rtype, keys)] = f"{rtype}/{self.id(rtype, *keys)}"
        out = {"reference": target}
        if display:
            out["display"] = display
        return out

    def system(self, what: str) -> str:
        """Identifier system for one kind of key: mapping ``fhir.identifier_system`` or a URN."""
        base = self.settings.get("identifier_system") or f"urn:cup2std:{self.study}"
        sep = "/" if base.startswith("http") else ":"
        return f"{base}{sep}{what}"

    def sys(self, name: str) -> str:
        return self.term["systems"][name]

    def hub_ct_code(self, codelist: str, value: str) -> str:
        """NCIt code of a CDISC CT submission value ('' when not in the codelist)."""
        from cup2std.standards import load_ct
        try:
            term = load_ct().codelist(codelist).values.get(value)
        except KeyError:
            return ""
        return term.code if term else ""

    # -- values ----------------------------------------------------------------------------
    def value(self, record: dict, source: str, domain: str) -> str:
        """The value a mapping source names: 'AEREL', or 'SUPPAE.AERELPOM' (a qualifier the
        record carries, see qualifiers.py; '' for another domain's SUPP--)."""
        if "." in source:
            dataset, qnam = source.split(".", 1)
            if dataset != f"SUPP{domain}":
                return ""
            return record.get(QUALIFIERS, {}).get(qnam, "")
        val = record.get(source, "")
        return "" if is_blank(val) else str(val)

    def datetime(self, value, where: dict) -> str | None:
        out, note = fhir_datetime(value, self.settings["timezone"])
        if note:
            self.warn("FHIR002", note, where)
        return out

    def datetime_of(self, record: dict, domain: str, variable: str) -> str | None:
        """FHIR dateTime of ``record[variable]``; the finding's location is built only if needed.

        Texts that convert without a note are remembered (dates repeat a lot).
        """
        value = record.get(variable)
        out = self.datetimes.get(value, _UNSEEN) if type(value) is str else _UNSEEN
        if out is not _UNSEEN:
            return out
        out, note = fhir_datetime(value, self.settings["timezone"])
        if note:
            self.warn("FHIR002", note, where_of(record, domain, variable))
        elif type(value) is str:
            self.datetimes[value] = out
        return out

    def date_of(self, record: dict, domain: str, variable: str) -> str | None:
        """FHIR date of ``record[variable]`` (see ``datetime_of``)."""
        out, note = fhir_date(record.get(variable))
        if note:
            self.warn("FHIR002", note, where_of(record, domain, variable))
        return out

    def date(self, value, where: dict) -> str | None:
        out, note = fhir_date(value)
        if note:
            self.warn("FHIR002", note, where)
        return out

    def warn(self, rule: str, message: str, where: dict, severity: str = "warning") -> None:
        fix = {"FHIR002": " Set fhir.timezone in the mapping, or check the date."}.get(rule, "")
        self.ledger.finding(rule, severity, f"FHIR: {message}.{fix}", **where)


_NS = ID_NAMESPACE.bytes
_UNSEEN = object()


def uuid5_text(name: str) -> str:
    """``str(uuid.uuid5(ID_NAMESPACE, name))`` without building UUID objects (hot path).

    >>> uuid5_text("a") == str(uuid.uuid5(ID_NAMESPACE, "a"))
    True
    """
    h = bytearray(hashlib.sha1(_NS + name.encode("utf-8")).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x50
    h[8] = (h[8] & 0x3F) | 0x80
    x = h.hex()
    return f"{x[:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:]}"


def where_of(record: pd.Series, domain: str, variable: str = "") -> dict:
    """Finding location of a hub record: domain, variable, subject, source file and row."""
    row = record.get("_SRC_ROW")
    return {"domain": domain, "variable": variable, "subject": str(record.get("_SUBJECT", "")),
            "file": str(record.get("_SRC_FORM", "") or ""),
            "row": None if is_blank(row) else int(row)}
