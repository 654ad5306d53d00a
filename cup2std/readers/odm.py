"""CDISC ODM 1.3.x exports (OpenClinica, REDCap, Rave, secuTrial): one .xml -> SourceData.

The file is streamed with lxml ``iterparse``; every record is turned into a row as soon as its
element ends and the element is then cleared, so a large export need not fit in memory (only
the rows of the forms the mapping declares are kept).

A mapping form is either ``item_group: IG.AE`` (one row per ItemGroupData of that OID: a
repeating item group such as an AE log gives one row per repeat) or ``odm_form: F.DEMOG`` (one
row per FormData, items of all its item groups side by side). Columns are named by ItemOID
(``source.odm.column_names: name`` uses the ItemDef Name), plus the context of each record:
``StudyOID``, ``SubjectKey``, ``SiteRef``, ``StudyEventOID``, ``StudyEventRepeatKey``, ``FormOID``,
``FormRepeatKey``, ``ItemGroupOID``, ``ItemGroupRepeatKey``. ``_SRC_ROW`` is the running number
of the record within its form (first record = 1) and ``_SRC_LINE`` the line of the XML where
the record starts. Elements and attributes of vendor extensions (other namespaces) are ignored.

Safety: entities are never resolved, no DTD is loaded, nothing is fetched from the network and
libxml2's limits (depth, text size) stay on; a file that declares a DOCTYPE at all is refused
(ODM uses XML Schema, and a DOCTYPE is how entity-expansion and external-entity attacks work).

>>> data = read_odm(Path("samples/odm_isa/isa_cup_odm.xml"), spec.source)  # doctest: +SKIP
>>> data.forms["adverse_events"].columns[:3].tolist()                     # doctest: +SKIP
['StudyOID', 'SubjectKey', 'SiteRef']
"""
from __future__ import annotations

from pathlib import Path

from lxml import etree

from cup2std.errors import SourceError
from cup2std.readers.base import SourceData
from cup2std.readers.odm_frames import CONTEXT, OdmMetadata, build_frames
from cup2std.spec.model import SourceSpec

ODM_NS = "http://www.cdisc.org/ns/odm/v1.3"
_CONTEXT_ATTRS = {
    "ClinicalData": (("StudyOID", "StudyOID"),),
    "SubjectData": (("SubjectKey", "SubjectKey"),),
    "StudyEventData": (("StudyEventOID", "StudyEventOID"),
                       ("StudyEventRepeatKey", "StudyEventRepeatKey")),
    "FormData": (("FormOID", "FormOID"), ("FormRepeatKey", "FormRepeatKey")),
    "ItemGroupData": (("ItemGroupOID", "ItemGroupOID"),
                      ("ItemGroupRepeatKey", "ItemGroupRepeatKey")),
}
_METADATA = ("ItemDef", "ItemGroupDef", "FormDef", "CodeList")


def read_odm(path: Path, source: SourceSpec) -> SourceData:
    """Read the item groups / forms the mapping declares from one ODM 1.3.x file."""
    reader = _OdmStream(path, source)
    reader.run()
    return build_frames(path, source, reader.meta, reader.records, reader.lines)


class _OdmStream:
    """State machine over iterparse events; keeps only the declared records."""

    def __init__(self, path: Path, source: SourceSpec):
        self.path = path
        self.by_group = {f.item_group: f.name for f in source.forms.values() if f.item_group}
        self.by_form = {f.odm_form: f.name for f in source.forms.values() if f.odm_form}
        self.records: dict[str, list[dict]] = {f: [] for f in source.forms}
        self.lines: dict[str, list[int]] = {f: [] for f in source.forms}
        self.meta = OdmMetadata()
        self.context: dict[str, str] = dict.fromkeys(CONTEXT, "")
        self.group_items: dict[str, str] | None = None
        self.form_items: dict[str, str] | None = None
        self.form_line = 0

    def run(self) -> None:
        try:
            events = etree.iterparse(
                str(self.path), events=("start", "end"), resolve_entities=False,
                no_network=True, load_dtd=False, huge_tree=False, dtd_validation=False,
                remove_comments=True, remove_pis=True)
            first = True
            for event, elem in events:
                if first:
                    self._check_root(elem)
                    first = False
                if event == "start":
                    self._start(elem)
                else:
                    self._end(elem)
        except etree.XMLSyntaxError as exc:
            where = f" at line {exc.lineno}" if exc.lineno else ""
            raise SourceError(
                f"is not well-formed XML{where} ({exc.msg}); the export is truncated or damaged, "
                "or hits a safety limit (nesting deeper than 256 levels). Export it again.",
                file=str(self.path)) from None
        except OSError as exc:
            raise SourceError(f"cannot be read ({exc})", file=str(self.path)) from None

    def _check_root(self, root) -> None:
        info = root.getroottree().docinfo
        if info.internalDTD is not None or info.system_url or info.public_id:
            raise SourceError(
                "declares a DOCTYPE; ODM files use XML Schema and never need one, and a DOCTYPE "
                "is how entity-expansion and external-entity attacks work, so the file is "
                "refused. Export it again without a DOCTYPE.", file=str(self.path))
        if _local(root) != "ODM":
            raise SourceError(f"the root element is <{_tag_name(root)}>, not <ODM> "
                              "of the ODM 1.3 namespace; give a CDISC ODM 1.3 export",
                              file=str(self.path))
        if root.get("FileType") == "Transactional":
            raise SourceError("is a transactional ODM file (FileType=\"Transactional\"); export "
                              "a snapshot (FileType=\"Snapshot\") of the current data",
                              file=str(self.path))

    def _start(self, elem) -> None:
        name = _local(elem)
        if name is None:
            return
        for col, attr in _CONTEXT_ATTRS.get(name, ()):
            self.context[col] = elem.get(attr, "")
        if name == "SubjectData":
            self.context["SiteRef"] = ""
        elif name == "FormData" and elem.get("FormOID") in self.by_form:
            self.form_items, self.form_line = {}, elem.sourceline or 0
        elif name == "ItemGroupData":
            self.group_items = {}
            self.group_line = elem.sourceline or 0

    def _end(self, elem) -> None:
        name = _local(elem)
        if name is None:
            return
        if name.startswith("ItemData"):
            self._item(elem)
        elif name == "SiteRef":
            self.context["SiteRef"] = elem.get("LocationOID", "")
        elif name == "ItemGroupData":
            oid = elem.get("ItemGroupOID", "")
            if oid in self.by_group:
                form = self.by_group[oid]
                self.records[form].append({**self.context, **self.group_items})
                self.lines[form].append(self.group_line)
            self.group_items = None
            _release(elem)
        elif name == "FormData":
            if self.form_items is not None:
                form = self.by_form[elem.get("FormOID")]
                ctx = {**self.context, "ItemGroupOID": "", "ItemGroupRepeatKey": ""}
                self.records[form].append({**ctx, **self.form_items})
                self.lines[form].append(self.form_line)
            self.form_items = None
            _release(elem)
        elif name in ("StudyEventData", "SubjectData", "ClinicalData"):
            _release(elem)
        elif name in _METADATA:
            self.meta.add(name, elem)
            _release(elem)

    def _item(self, elem) -> None:
        oid = elem.get("ItemOID", "")
        if elem.get("IsNull") == "Yes":
            value = ""
        else:
            value = elem.get("Value") if elem.get("Value") is not None else (elem.text or "")
        if self.group_items is not None:
            self.group_items[oid] = value
        if self.form_items is not None:
            if oid in self.form_items:
                raise SourceError(
                    f"item {oid} occurs twice in one FormData {self.context['FormOID']} (subject "
                    f"{self.context['SubjectKey']}): its item group repeats; read it with "
                    f"'item_group:' instead of 'odm_form:' (line {elem.sourceline})",
                    file=str(self.path))
            self.form_items[oid] = value


def _tag_name(elem) -> str:
    """The local part of a tag for messages; never raises (damaged files have odd tags)."""
    return str(elem.tag).rsplit("}", 1)[-1] if isinstance(elem.tag, str) else "?"


def _local(elem) -> str | None:
    """Local name of an ODM element; None for vendor extensions (other namespaces)."""
    if not isinstance(elem.tag, str):
        return None
    try:
        q = etree.QName(elem)
    except ValueError:  # a prefix whose namespace was never declared: not ODM's
        return None
    return q.localname if q.namespace in (ODM_NS, None) else None


def _release(elem) -> None:
    """Free a finished element and the siblings before it (keeps memory flat)."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]
