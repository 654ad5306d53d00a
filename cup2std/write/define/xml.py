"""Define-XML 2.1 document from the model (lxml), elements in the order the schema wants.

>>> m = Define("ST.S", "S", "A study", "S", [])
>>> to_xml(m, created="2025-01-01T00:00:00").getroot().tag
'{http://www.cdisc.org/ns/odm/v1.3}ODM'
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

from lxml import etree

from cup2std import __version__
from cup2std.write.define.codelists import CT_STANDARD_OID
from cup2std.write.define.model import CodeList, Define, ItemDef, ItemRef, Origin

ODM = "http://www.cdisc.org/ns/odm/v1.3"
DEF = "http://www.cdisc.org/ns/def/v2.1"
XLINK = "http://www.w3.org/1999/xlink"
NSMAP = {None: ODM, "def": DEF, "xlink": XLINK}
DEFINE_VERSION = "2.1.0"


def _e(parent, tag: str, attrs: dict | None = None, text: str | None = None):
    ns, _, name = tag.rpartition(":")
    qname = f"{{{DEF}}}{name}" if ns == "def" else f"{{{ODM}}}{name}"
    el = etree.SubElement(parent, qname) if parent is not None else etree.Element(qname,
                                                                                    nsmap=NSMAP)
    for k, v in (attrs or {}).items():
        if v is None or v == "":
            continue
        kns, _, kname = k.rpartition(":")
        key = {"def": f"{{{DEF}}}", "xlink": f"{{{XLINK}}}", "xml": \
               "{http://www.w3.org/XML/1998/namespace}"}.get(kns, "") + kname
        el.set(key, str(v))
    if text is not None:
        el.text = text
    return el


def _text(parent, tag: str, text: str) -> None:
    """<Description><TranslatedText xml:lang="en">...</TranslatedText></Description>."""
    d = _e(parent, tag)
    _e(d, "TranslatedText", {"xml:lang": "en"}, text)


def creation_time() -> str:
    """Now (UTC), or SOURCE_DATE_EPOCH when set, so that reruns can give equal bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else \
        datetime.now(timezone.utc)
    return when.strftime("%Y-%m-%dT%H:%M:%S")


def to_xml(m: Define, created: str | None = None) -> etree._ElementTree:
    root = _e(None, "ODM", {"FileType": "Snapshot", "FileOID": f"DEF.{m.study_name}.SDTM",
                            "CreationDateTime": created or creation_time(),
                            "ODMVersion": "1.3.2", "Originator": "cup2std",
                            "SourceSystem": "cup2std", "SourceSystemVersion": __version__,
                            "def:Context": "Submission"})
    study = _e(root, "Study", {"OID": m.study_oid})
    gv = _e(study, "GlobalVariables")
    _e(gv, "StudyName", text=m.study_name)
    _e(gv, "StudyDescription", text=m.description)
    _e(gv, "ProtocolName", text=m.protocol)
    mdv = _e(study, "MetaDataVersion", {"OID": f"MDV.{m.study_name}.SDTMIG",
                                        "Name": f"{m.study_name} SDTM",
                                        "Description": f"SDTM datasets of {m.study_name}",
                                        "def:DefineVersion": DEFINE_VERSION})
    stds = _e(mdv, "def:Standards")
    for s in m.standards:
        _e(stds, "def:Standard", s)
    for vl in m.valuelists.values():
        v = _e(mdv, "def:ValueListDef", {"OID": vl.oid})
        for ref in vl.refs:
            _item_ref(v, ref)
    for wc in m.where_clauses.values():
        w = _e(mdv, "def:WhereClauseDef", {"OID": wc.oid})
        rc = _e(w, "RangeCheck", {"Comparator": "EQ" if len(wc.values) == 1 else "IN",
                                  "SoftHard": "Soft", "def:ItemOID": wc.item_oid})
        for v in wc.values:
            _e(rc, "CheckValue", text=v)
    for ds in m.datasets:
        g = _e(mdv, "ItemGroupDef", {
            "OID": ds.oid, "Domain": ds.domain, "Name": ds.name,
            "Repeating": "Yes" if ds.repeating else "No",
            "IsReferenceData": "Yes" if ds.reference_data else "No",
            "SASDatasetName": ds.name, "Purpose": "Tabulation", "def:Structure": ds.structure,
            "def:ArchiveLocationID": f"LF.{ds.name}", "def:StandardOID":
            "STD.SDTMIG." + next(s["Version"] for s in m.standards if s["Type"] == "IG"),
            "def:CommentOID": ds.comment_oid})
        _text(g, "Description", ds.label)
        for ref in ds.refs:
            _item_ref(g, ref)
        _e(g, "def:Class", {"Name": ds.klass})
        leaf = _e(g, "def:leaf", {"ID": f"LF.{ds.name}", "xlink:href": ds.href})
        _e(leaf, "def:title", text=ds.href)
    for item in m.items.values():
        _item_def(mdv, item)
    for cl in m.codelists.values():
        _codelist(mdv, cl)
    for meth in m.methods.values():
        md = _e(mdv, "MethodDef", {"OID": meth.oid, "Name": meth.name, "Type": meth.type})
        _text(md, "Description", meth.description)
    for oid, text in m.comments.items():
        _text(_e(mdv, "def:CommentDef", {"OID": oid}), "Description", text)
    return etree.ElementTree(root)


def _item_ref(parent, ref: ItemRef) -> None:
    r = _e(parent, "ItemRef", {"ItemOID": ref.item_oid, "OrderNumber": ref.order,
                               "Mandatory": "Yes" if ref.mandatory else "No",
                               "KeySequence": ref.key_sequence, "MethodOID": ref.method_oid,
                               "Role": ref.role})
    if ref.where_oid:
        _e(r, "def:WhereClauseRef", {"WhereClauseOID": ref.where_oid})


def _item_def(parent, item: ItemDef) -> None:
    el = _e(parent, "ItemDef", {"OID": item.oid, "Name": item.name, "DataType": item.datatype,
                                "Length": item.length, "SignificantDigits":
                                item.significant_digits, "SASFieldName": item.name,
                                "def:CommentOID": item.comment_oid})
    _text(el, "Description", item.label)
    if item.codelist_oid:
        _e(el, "CodeListRef", {"CodeListOID": item.codelist_oid})
    for o in item.origins:
        _origin(el, o)
    if item.valuelist_oid:
        _e(el, "def:ValueListRef", {"ValueListOID": item.valuelist_oid})


def _origin(parent, o: Origin) -> None:
    el = _e(parent, "def:Origin", {"Type": o.type, "Source": o.source})
    if o.description:
        _text(el, "Description", o.description)


def _codelist(parent, cl: CodeList) -> None:
    el = _e(parent, "CodeList", {"OID": cl.oid, "Name": cl.name, "DataType": cl.datatype,
                                 "def:StandardOID": CT_STANDARD_OID if cl.standard else "",
                                 "def:CommentOID": cl.comment_oid})
    if cl.dictionary:
        _e(el, "ExternalCodeList", {"Dictionary": cl.dictionary, "Version": cl.version})
    for i, t in enumerate(cl.terms, 1):
        item = _e(el, "EnumeratedItem", {"CodedValue": t.value, "OrderNumber": i,
                                         "def:ExtendedValue": "Yes" if t.extended else ""})
        if t.code:
            _e(item, "Alias", {"Context": "nci:ExtCodeID", "Name": t.code})
    if cl.code:
        _e(el, "Alias", {"Context": "nci:ExtCodeID", "Name": cl.code})


def write_define_xml(m: Define, path, created: str | None = None) -> bytes:
    """Serialise (UTF-8, pretty-printed) and return the bytes; the caller writes atomically."""
    return etree.tostring(to_xml(m, created), xml_declaration=True, encoding="UTF-8",
                          pretty_print=True)
