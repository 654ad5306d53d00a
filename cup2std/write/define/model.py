"""The Define-XML model: plain records that the XML writer turns into elements one to one.

Built by :func:`cup2std.write.define.build.build_define` from the hub, the mapping and the
datasets as written; nothing here knows about XML.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Origin:
    """def:Origin: Type (Collected, Derived, Assigned, Predecessor, Protocol, Not Available)."""

    type: str
    source: str = ""
    description: str = ""


@dataclass
class ItemDef:
    oid: str
    name: str
    label: str
    datatype: str
    length: int | None = None
    significant_digits: int | None = None
    codelist_oid: str = ""
    origins: list[Origin] = field(default_factory=list)
    comment_oid: str = ""
    valuelist_oid: str = ""


@dataclass
class ItemRef:
    item_oid: str
    order: int
    mandatory: bool
    key_sequence: int | None = None
    method_oid: str = ""
    role: str = ""
    where_oid: str = ""


@dataclass
class Dataset:
    """ItemGroupDef: one per dataset written."""

    oid: str
    name: str
    domain: str
    label: str
    klass: str
    structure: str
    repeating: bool
    reference_data: bool
    href: str
    refs: list[ItemRef] = field(default_factory=list)
    comment_oid: str = ""


@dataclass
class Term:
    value: str
    code: str = ""
    extended: bool = False


@dataclass
class CodeList:
    """A CT subset (terms used), a sponsor list from a value map, or an external dictionary."""

    oid: str
    name: str
    datatype: str = "text"
    code: str = ""
    terms: list[Term] = field(default_factory=list)
    standard: bool = False
    dictionary: str = ""
    version: str = ""
    comment_oid: str = ""


@dataclass
class Method:
    oid: str
    name: str
    type: str
    description: str


@dataclass
class WhereClause:
    oid: str
    item_oid: str
    values: list[str]


@dataclass
class ValueList:
    oid: str
    refs: list[ItemRef] = field(default_factory=list)


@dataclass
class Define:
    study_oid: str
    study_name: str
    description: str
    protocol: str
    standards: list[dict]
    datasets: list[Dataset] = field(default_factory=list)
    items: dict[str, ItemDef] = field(default_factory=dict)
    codelists: dict[str, CodeList] = field(default_factory=dict)
    methods: dict[str, Method] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    valuelists: dict[str, ValueList] = field(default_factory=dict)
    where_clauses: dict[str, WhereClause] = field(default_factory=dict)

    def method(self, oid: str, name: str, description: str, type: str = "Computation") -> str:
        """Add (once) and return the OID of a method."""
        self.methods.setdefault(oid, Method(oid, name, type, description))
        return oid

    def comment(self, oid: str, text: str) -> str:
        self.comments.setdefault(oid, text)
        return oid
