"""define.xml of the sample passes the official Define-XML 2.1 schema; a broken one does not."""
from __future__ import annotations

import copy

from lxml import etree

from cup2std.write.define.schema import define_schema, validate_define
from tests.define.conftest import NS


def test_sample_define_validates_against_define_xml_2_1_xsd(define_doc):
    schema = define_schema()
    assert schema.validate(define_doc), [str(e) for e in schema.error_log][:5]


def test_schema_rejects_an_itemgroupdef_without_structure(define_doc):
    broken = copy.deepcopy(define_doc)
    ig = broken.find(".//odm:ItemGroupDef", NS)
    del ig.attrib["{http://www.cdisc.org/ns/def/v2.1}Structure"]
    errors = validate_define(etree.tostring(broken))
    assert any("Structure" in e for e in errors)


def test_convert_reports_schema_validity_in_the_log(sample_out):
    import json
    log = json.loads((sample_out / "conversion-log.json").read_text())
    assert log["outputs"]["define"]["schema_valid"] is True
    findings = json.loads((sample_out / "findings.json").read_text())
    assert not [f for f in findings if f["rule"] == "DEF001"]


def test_standards_are_sdtmig_3_4_and_ct_2025_03_28(define_doc):
    stds = {(s.get("Name"), s.get("Version")) for s in define_doc.iterfind(".//def:Standard", NS)}
    assert stds == {("SDTMIG", "3.4"), ("CDISC/NCI", "2025-03-28")}
