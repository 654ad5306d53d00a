"""define.html (CDISC define2-1 stylesheet) shows every dataset, variable, codelist and method."""
from __future__ import annotations

from lxml import html

from tests.define.conftest import NS


def test_define_html_lists_everything_in_define_xml(sample_out, define_doc):
    page = html.parse(str(sample_out / "sdtm" / "define.html"))
    text = " ".join(page.getroot().itertext())
    for ig in define_doc.iterfind(".//odm:ItemGroupDef", NS):
        assert ig.get("Name") in text
        assert page.xpath(f"//*[@id='IG.{ig.get('Name')}']"), ig.get("Name")
    for item in define_doc.iterfind(".//odm:ItemDef", NS):
        assert item.get("Name") in text
    for cl in define_doc.iterfind(".//odm:CodeList", NS):
        assert cl.get("Name") in text, cl.get("OID")
    for m in define_doc.iterfind(".//odm:MethodDef", NS):
        assert m.get("Name") in text, m.get("OID")


def test_a_missing_dataset_would_be_noticed(sample_out):
    page = html.parse(str(sample_out / "sdtm" / "define.html"))
    assert not page.xpath("//*[@id='IG.LB']")
