"""Define-XML follows the mapping: a new collected column into a SUPP qualifier with a new
value map changes define.xml, with no code change."""
from __future__ import annotations

from lxml import etree

from cup2std.api import convert
from tests.define.conftest import NS, REPO

NEW_QUALIFIER = ("      AESCRIT: {label: Seriousness Criteria, assign: serious_criteria, "
                 "map: seriousness}\n")
NEW_MAP = ("  seriousness: {death: RESULTS IN DEATH, hospitalization: "
           "REQUIRES HOSPITALIZATION}\n")


def _changed_mapping(tmp_path):
    text = (REPO / "mappings" / "cup_registry.yaml").read_text(encoding="utf-8")
    anchor = "      AESI: {label: Adverse Event of Special Interest, assign: aesi, map: yes_no}\n"
    assert anchor in text
    text = text.replace(anchor, anchor + NEW_QUALIFIER)
    text = text.replace("value_maps:\n", "value_maps:\n" + NEW_MAP)
    path = tmp_path / "changed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_new_supp_qualifier_and_value_map_appear_in_define(tmp_path, define_doc):
    convert(REPO / "samples" / "isa_cup", _changed_mapping(tmp_path), tmp_path / "out")
    doc = etree.parse(str(tmp_path / "out" / "sdtm" / "define.xml"))
    oid = "IT.SUPPAE.QVAL.AESCRIT"
    assert define_doc.find(f".//odm:ItemDef[@OID='{oid}']", NS) is None
    item = doc.find(f".//odm:ItemDef[@OID='{oid}']", NS)
    assert item is not None
    assert item.findtext("odm:Description/odm:TranslatedText", namespaces=NS) == \
        "Seriousness Criteria"
    origin = item.find("def:Origin", NS)
    assert origin.get("Type") == "Collected"
    assert "'serious_criteria'" in origin.findtext(".//odm:TranslatedText", namespaces=NS)
    assert item.find("odm:CodeListRef", NS).get("CodeListOID") == "CL.SERIOUSNESS"
    cl = doc.find(".//odm:CodeList[@OID='CL.SERIOUSNESS']", NS)
    assert {e.get("CodedValue") for e in cl.iterfind("odm:EnumeratedItem", NS)} == \
        {"RESULTS IN DEATH", "REQUIRES HOSPITALIZATION"}
    wc = doc.find(".//def:WhereClauseDef[@OID='WC.SUPPAE.QNAM.AESCRIT']", NS)
    assert wc.findtext(".//odm:CheckValue", namespaces=NS) == "AESCRIT"
    assert int(item.get("Length")) == len("REQUIRES HOSPITALIZATION")
