"""ODM MetaDataVersion (item names, types, codelists) and the records -> form frames.

The metadata names the columns (by ItemOID or ItemDef Name), orders them as the ItemGroupDef
lists its items, gives a frame with no records its columns, decodes coded values when the
mapping asks (``source.odm.decode: true``) and checks values against their ItemDef: a value
that does not fit its DataType (ODM001) or is not in its CodeList (ODM002) is a finding.

>>> meta = OdmMetadata()
>>> meta.items["IT.SEX"] = {"name": "SEX", "type": "text", "codelist": "CL.SEX"}
>>> meta.codelists["CL.SEX"] = {"F": "Female", "M": "Male"}
>>> meta.column_name("IT.SEX", "name"), meta.column_name("IT.X", "name")
('SEX', 'IT.X')
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from cup2std.errors import SourceError
from cup2std.readers.base import SourceData, tidy_text_frame
from cup2std.spec.model import FormSpec, SourceSpec
from cup2std.validate.findings import Finding

CONTEXT = ("StudyOID", "SubjectKey", "SiteRef", "StudyEventOID", "StudyEventRepeatKey",
           "FormOID", "FormRepeatKey", "ItemGroupOID", "ItemGroupRepeatKey")
SRC_LINE = "_SRC_LINE"
# ODM 1.3 DataType -> what a value must look like (others: any text).
_TYPES = {
    "integer": re.compile(r"^[+-]?\d+$"),
    "float": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "partialDate": re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$"),
    "datetime": re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                           r"(Z|[+-]\d{2}:\d{2})?$"),
    "partialDatetime": re.compile(r"^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?$"),
    "boolean": re.compile(r"^(true|false|1|0|yes|no)$", re.IGNORECASE),
}


@dataclass
class OdmMetadata:
    """What the MetaDataVersion says: ItemDefs, ItemGroupDefs, FormDefs, CodeLists."""

    items: dict[str, dict] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    forms: dict[str, list[str]] = field(default_factory=dict)
    codelists: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, kind: str, elem) -> None:
        """Record one finished metadata element (ItemDef, ItemGroupDef, FormDef, CodeList)."""
        oid = elem.get("OID", "")
        kids = [c for c in elem if isinstance(c.tag, str)]
        if kind == "ItemDef":
            ref = next((c.get("CodeListOID", "") for c in kids if _ln(c) == "CodeListRef"), "")
            self.items[oid] = {"name": elem.get("Name", oid), "type": elem.get("DataType", ""),
                               "codelist": ref}
        elif kind == "ItemGroupDef":
            self.groups[oid] = [c.get("ItemOID", "") for c in kids if _ln(c) == "ItemRef"]
        elif kind == "FormDef":
            self.forms[oid] = [c.get("ItemGroupOID", "") for c in kids
                               if _ln(c) == "ItemGroupRef"]
        elif kind == "CodeList":
            self.codelists[oid] = {c.get("CodedValue", ""): _decode(c) for c in kids
                                   if _ln(c) in ("CodeListItem", "EnumeratedItem")}

    def declared_items(self, form: FormSpec) -> list[str]:
        """Items the metadata declares for a mapping form, in their order."""
        if form.item_group:
            return list(self.groups.get(form.item_group, []))
        return [i for g in self.forms.get(form.odm_form, []) for i in self.groups.get(g, [])]

    def column_name(self, oid: str, naming: str) -> str:
        if naming == "name" and oid in self.items:
            return self.items[oid]["name"]
        return oid


def build_frames(path: Path, source: SourceSpec, meta: OdmMetadata,
                 records: dict[str, list[dict]], lines: dict[str, list[int]]) -> SourceData:
    """Frames of text per mapping form, with context columns, provenance and findings."""
    data = SourceData()
    for form in source.forms.values():
        oid = form.item_group or form.odm_form
        known = meta.groups if form.item_group else meta.forms
        if not records[form.name] and oid not in known:
            if known:  # metadata present but no such OID: most likely a typo in the mapping
                hint = difflib.get_close_matches(oid, list(known), n=1, cutoff=0.5)
                raise SourceError(
                    f"{'ItemGroupOID' if form.item_group else 'FormOID'} '{oid}' (source.forms."
                    f"{form.name}) is neither in the MetaDataVersion nor in the clinical data."
                    + (f" Did you mean '{hint[0]}'?" if hint else "") +
                    f" Known: {', '.join(sorted(known)[:12])}", file=str(path))
            data.missing_forms.append(form.name)
            continue
        items = meta.declared_items(form)
        seen = [k for r in records[form.name] for k in r if k not in CONTEXT]
        items += [i for i in dict.fromkeys(seen) if i not in items]
        df = pd.DataFrame(records[form.name], columns=[*CONTEXT, *items], dtype=object)
        file = f"{path}[{oid}]"
        data.findings += _check_values(df, items, meta, file)
        if source.odm_decode:
            for item in items:
                cl = meta.codelists.get(meta.items.get(item, {}).get("codelist", ""))
                if cl:
                    df[item] = df[item].map(lambda v, cl=cl: cl.get(v, v) if v else v)
        names = {i: meta.column_name(i, source.odm_columns) for i in items}
        dup = [n for n in set(names.values()) if list(names.values()).count(n) > 1]
        if dup:
            raise SourceError(f"items of {oid} share the Name '{dup[0]}'; use "
                              "source.odm.column_names: oid", file=str(path))
        df = tidy_text_frame(df.rename(columns=names), first_row=1)
        df[SRC_LINE] = lines[form.name]
        data.forms[form.name] = df
        data.files[form.name] = file
    return data


def _check_values(df: pd.DataFrame, items: list[str], meta: OdmMetadata,
                  file: str) -> list[Finding]:
    out = []
    for item in items:
        info = meta.items.get(item)
        if not info:
            continue
        values = df[item].fillna("").astype(str).str.strip()
        pattern = _TYPES.get(info["type"])
        codes = meta.codelists.get(info["codelist"])
        for pos, value in values[values.ne("")].items():
            if pattern is not None and not pattern.match(value):
                out.append(_finding("ODM001", f"is not a valid ODM {info['type']} (ItemDef "
                                    f"{item}); correct it in the EDC", df, pos, item, value, file))
            elif codes is not None and value not in codes:
                out.append(_finding("ODM002", f"is not in CodeList {info['codelist']} of "
                                    f"ItemDef {item} (allowed: {', '.join(list(codes)[:10])})",
                                    df, pos, item, value, file))
    return out


def _finding(rule, message, df, pos, item, value, file) -> Finding:
    return Finding(rule, "warning", message, subject=str(df.at[pos, "SubjectKey"]), file=file,
                   row=int(pos) + 1, column=item, value=value)


def _ln(elem) -> str:
    return elem.tag.rsplit("}", 1)[-1] if isinstance(elem.tag, str) else ""


def _decode(item) -> str:
    """Decode text of a CodeListItem: English TranslatedText first, else the first one."""
    texts = [t for d in item if _ln(d) == "Decode" for t in d if _ln(t) == "TranslatedText"]
    for t in texts:
        if (t.get("{http://www.w3.org/XML/1998/namespace}lang") or "").startswith("en"):
            return (t.text or "").strip()
    return (texts[0].text or "").strip() if texts else item.get("CodedValue", "")
