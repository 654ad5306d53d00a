"""Every XPT and define.xml read back independently agree variable by variable, and nothing
appears in one that is not in the other."""
from __future__ import annotations

import pandas as pd
import pyreadstat
import pytest

from tests.define.conftest import NS

ISO_TYPES = {"date", "datetime", "partialDate", "partialDatetime", "incompleteDatetime",
             "durationDatetime", "time", "partialTime"}


def _groups(doc) -> dict[str, dict]:
    items = {i.get("OID"): i for i in doc.iterfind(".//odm:ItemDef", NS)}
    out = {}
    for ig in doc.iterfind(".//odm:ItemGroupDef", NS):
        refs = sorted(ig.iterfind("odm:ItemRef", NS), key=lambda r: int(r.get("OrderNumber")))
        out[ig.get("Name")] = {"href": ig.find("def:leaf", NS).get("{http://www.w3.org/1999/xlink}href"),
                               "label": ig.findtext("odm:Description/odm:TranslatedText",
                                                    namespaces=NS),
                               "items": [items[r.get("ItemOID")] for r in refs]}
    return out


def test_the_same_datasets_in_xpt_and_define(sample_out, define_doc):
    files = {p.name for p in (sample_out / "sdtm").glob("*.xpt")}
    assert {g["href"] for g in _groups(define_doc).values()} == files


def test_every_variable_agrees_in_name_label_type_and_length(sample_out, define_doc):
    for name, group in _groups(define_doc).items():
        df, meta = pyreadstat.read_xport(str(sample_out / "sdtm" / group["href"]))
        assert meta.table_name == name
        assert meta.file_label == group["label"]
        assert [i.get("Name") for i in group["items"]] == list(df.columns), name
        for item in group["items"]:
            var = item.get("Name")
            where = f"{name}.{var}"
            assert item.get("SASFieldName") == var
            assert item.findtext("odm:Description/odm:TranslatedText", namespaces=NS) == \
                meta.column_names_to_labels[var], where
            kind, width = meta.readstat_variable_types[var], meta.variable_storage_width[var]
            dtype = item.get("DataType")
            if dtype in ("integer", "float"):
                assert kind == "double", where
                values = df[var].dropna()
                if len(values):
                    digits = values.map(lambda v: len(f"{abs(v):.15g}".replace(".", ""))
                                        + (v < 0)).max()
                    assert int(item.get("Length")) >= digits, where
                if dtype == "integer":
                    assert (values == values.round()).all(), where
            elif dtype == "text":
                assert kind == "string", where
                assert int(item.get("Length")) == width, where
            else:
                assert dtype in ISO_TYPES and kind == "string", where
                assert item.get("Length") is None, where
                longest = df[var].fillna("").astype(str).str.len().max()
                assert width == max(1, int(longest)), where


@pytest.mark.parametrize("dataset,key_vars", [("AE", ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"]),
                                              ("SUPPAE", ["STUDYID", "RDOMAIN", "USUBJID",
                                                          "IDVAR", "IDVARVAL", "QNAM"])])
def test_key_sequence_follows_domain_keys(define_doc, dataset, key_vars):
    ig = define_doc.find(f".//odm:ItemGroupDef[@Name='{dataset}']", NS)
    keyed = sorted(((int(r.get("KeySequence")), r.get("ItemOID").split(".")[-1])
                    for r in ig.iterfind("odm:ItemRef", NS) if r.get("KeySequence")))
    assert [v for _, v in keyed][:len(key_vars)] == key_vars


def test_value_level_metadata_for_supp_vs_and_ex(define_doc):
    vls = {v.get("OID"): [r.get("ItemOID") for r in v.iterfind("odm:ItemRef", NS)]
           for v in define_doc.iterfind(".//def:ValueListDef", NS)}
    assert "IT.SUPPAE.QVAL.AETRTEM" in vls["VL.SUPPAE.QVAL"]
    assert set(vls["VL.SUPPDM.QVAL"]) == {f"IT.SUPPDM.QVAL.{q}" for q in
                                          ("PRIORLN", "REFRLAST", "SITENAME")}
    assert vls["VL.VS.VSORRES"] == ["IT.VS.VSORRES.HEIGHT", "IT.VS.VSORRES.WEIGHT"]
    assert "IT.EX.EXDOSE.ISATUXIMAB" in vls["VL.EX.EXDOSE"]
    wc = define_doc.find(".//def:WhereClauseDef[@OID='WC.VS.VSTESTCD.WEIGHT']/odm:RangeCheck", NS)
    assert wc.get("{http://www.cdisc.org/ns/def/v2.1}ItemOID") == "IT.VS.VSTESTCD"
    assert wc.findtext("odm:CheckValue", namespaces=NS) == "WEIGHT"


def test_codelists_list_only_terms_used_with_nci_codes(sample_out, define_doc):
    sex = define_doc.find(".//odm:CodeList[@OID='CL.SEX']", NS)
    dm = pd.read_sas(sample_out / "sdtm" / "dm.xpt", format="xport", encoding="ascii")
    terms = {e.get("CodedValue"): e.find("odm:Alias", NS).get("Name")
             for e in sex.iterfind("odm:EnumeratedItem", NS)}
    assert set(terms) == set(dm["SEX"])
    assert terms.get("F", "C16576") == "C16576" and sex.find("odm:Alias", NS).get("Name") == "C66731"
    ext = {c.get("Dictionary"): c.get("Version") for c in define_doc.iterfind(".//odm:ExternalCodeList", NS)}
    assert ext["CTCAE"] == "5.0" and "MedDRA" in ext


def test_origins_name_the_source_column_and_derivations_their_method(define_doc):
    def item(oid):
        return define_doc.find(f".//odm:ItemDef[@OID='{oid}']", NS)
    sex = item("IT.DM.SEX").find("def:Origin", NS)
    assert sex.get("Type") == "Collected"
    assert "'sex'" in sex.findtext(".//odm:TranslatedText", namespaces=NS)
    refs = {r.get("ItemOID"): r.get("MethodOID") for r in define_doc.iterfind(".//odm:ItemRef", NS)}
    assert refs["IT.AE.AESTDY"] == "MT.STUDYDAY" and refs["IT.AE.EPOCH"] == "MT.EPOCH"
    assert refs["IT.SUPPAE.QVAL.AETRTEM"] == "MT.AE.TRTEMFL"
    assert refs["IT.AE.AESOC"] == "MT.AE.AESOC"
    methods = {m.get("OID"): m.findtext(".//odm:TranslatedText", namespaces=NS)
               for m in define_doc.iterfind(".//odm:MethodDef", NS)}
    assert "CTCAE v5.0 soc" in methods["MT.AE.AESOC"]
    assert "+ 30 days" in methods["MT.AE.TRTEMFL"]
    assert set(refs.values()) - {None} <= set(methods)
