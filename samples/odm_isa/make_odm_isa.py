"""Write isa_cup_odm.xml, a CDISC ODM 1.3.2 snapshot of the reference sample (samples/isa_cup).

The same 18 fictitious patients as an EDC exports them: a MetaDataVersion (study events,
forms, item groups, items with data types and codelists) and ClinicalData with one SubjectData
per patient (site in SiteRef), baseline data, one study event per treatment cycle (repeat key =
cycle) holding a repeating dose item group, a log event with the AE log (repeat key = AE number),
medications and medical history, and the end-of-treatment form. Coded items use EDC codes
(``1``/``0`` for yes/no, ``ISA``/``POM``/``DEX``); empty items are left out, as EDCs do.
Vendor extensions (OpenClinica-style attributes and elements) are included: readers ignore them.

    python samples/odm_isa/make_odm_isa.py        # rewrites isa_cup_odm.xml here

mappings/odm_isa.yaml reads it; tests/e2e/test_odm_isa.py compares the result with the
reference conversion.
"""
from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

import pandas as pd

HERE = Path(__file__).resolve().parent
REFERENCE = HERE.parent / "isa_cup"
ODM = "http://www.cdisc.org/ns/odm/v1.3"
VENDOR = "http://www.openclinica.org/ns/odm_ext_v130/v3.1"

CODELISTS = {
    "CL.NY": {"1": "yes", "0": "no"},
    "CL.SEX": {"F": "female", "M": "male"},
    "CL.DRUG": {"ISA": "isatuximab", "POM": "pomalidomide", "DEX": "dexamethasone"},
    "CL.ROUTE": {"IV": "intravenous", "PO": "oral"},
    "CL.FREQ": {"ONCE": "once", "QD": "daily", "QW": "weekly", "Q2W": "every 2 weeks"},
    "CL.REL": {"REL": "related", "NREL": "not related"},
    "CL.ACN": {"NC": "dose not changed", "INT": "drug interrupted", "RED": "dose reduced",
               "WD": "drug withdrawn", "NA": "not applicable", "UNK": "unknown"},
    "CL.OUT": {"REC": "recovered/resolved", "RECG": "recovering/resolving",
               "NREC": "not recovered/not resolved", "SEQ": "recovered/resolved with sequelae",
               "FATAL": "fatal", "UNK": "unknown"},
    "CL.DSREAS": {"PD": "disease progression", "DEATH": "death", "AE": "adverse event",
                  "PHYS": "physician decision", "WBS": "withdrawal by patient",
                  "OTH": "other", "EOP": "end of program"},
    "CL.CMCAT": {"PRIOR": "prior anti-myeloma therapy", "CONMED": "concomitant"},
}
# form -> (StudyEventOID, FormOID, ItemGroupOID, repeating group, repeat key column,
#          {reference column: (ItemOID, DataType, CodeListOID)})
FORMS = {
    "patients": ("SE.BASELINE", "F.DM", "IG.DM", False, None, {
        "site_name": ("IT.DM.SITENAME", "text", ""), "country": ("IT.DM.COUNTRY", "text", ""),
        "sex": ("IT.DM.SEX", "text", "CL.SEX"), "birth_date": ("IT.DM.BRTHDAT", "partialDate", ""),
        "age": ("IT.DM.AGE", "integer", ""), "registration_date": ("IT.DM.REGDAT", "date", ""),
        "weight_kg": ("IT.DM.WEIGHT", "float", ""), "height_cm": ("IT.DM.HEIGHT", "float", ""),
        "ecog": ("IT.DM.ECOG", "integer", ""), "diagnosis_date": ("IT.DM.DIAGDAT", "partialDate", ""),
        "mm_subtype": ("IT.DM.MMSUBTYP", "text", ""), "prior_lines": ("IT.DM.PRIORLN", "integer", ""),
        "prior_pi": ("IT.DM.PRIORPI", "text", "CL.NY"),
        "prior_lenalidomide": ("IT.DM.PRIORLEN", "text", "CL.NY"),
        "prior_pomalidomide": ("IT.DM.PRIORPOM", "text", "CL.NY"),
        "prior_anti_cd38": ("IT.DM.PRIORCD38", "text", "CL.NY"),
        "refractory_last_line": ("IT.DM.REFRLAST", "text", "CL.NY")}),
    "administrations": ("SE.CYCLE", "F.EX", "IG.EX", True, None, {
        "drug": ("IT.EX.DRUG", "text", "CL.DRUG"), "day": ("IT.EX.DAY", "integer", ""),
        "start_date": ("IT.EX.STDAT", "partialDatetime", ""),
        "end_date": ("IT.EX.ENDAT", "date", ""), "dose": ("IT.EX.DOSE", "float", ""),
        "dose_unit": ("IT.EX.DOSEU", "text", ""), "route": ("IT.EX.ROUTE", "text", "CL.ROUTE"),
        "frequency": ("IT.EX.FREQ", "text", "CL.FREQ"), "adjustment": ("IT.EX.ADJ", "text", "")}),
    "adverse_events": ("SE.LOGS", "F.AE", "IG.AE", True, "ae_no", {
        "verbatim": ("IT.AE.TERM", "text", ""), "ctcae_term": ("IT.AE.CTCAE", "text", ""),
        "meddra_code": ("IT.AE.PTCD", "integer", ""), "soc": ("IT.AE.SOC", "text", ""),
        "start_date": ("IT.AE.STDAT", "partialDate", ""), "end_date": ("IT.AE.ENDAT", "partialDate", ""),
        "grade": ("IT.AE.GRADE", "integer", ""), "serious": ("IT.AE.SER", "text", "CL.NY"),
        "serious_criteria": ("IT.AE.SERCRIT", "text", ""),
        "related_isatuximab": ("IT.AE.RELISA", "text", "CL.REL"),
        "related_pomalidomide": ("IT.AE.RELPOM", "text", "CL.REL"),
        "related_dexamethasone": ("IT.AE.RELDEX", "text", "CL.REL"),
        "action_isatuximab": ("IT.AE.ACNISA", "text", "CL.ACN"),
        "outcome": ("IT.AE.OUT", "text", "CL.OUT"), "aesi": ("IT.AE.AESI", "text", "CL.NY")}),
    "conmeds": ("SE.LOGS", "F.CM", "IG.CM", True, None, {
        "medication": ("IT.CM.TRT", "text", ""), "category": ("IT.CM.CAT", "text", "CL.CMCAT"),
        "line": ("IT.CM.LINE", "integer", ""), "start_date": ("IT.CM.STDAT", "partialDate", ""),
        "end_date": ("IT.CM.ENDAT", "partialDate", ""), "indication": ("IT.CM.INDC", "text", "")}),
    "medical_history": ("SE.LOGS", "F.MH", "IG.MH", True, None, {
        "condition": ("IT.MH.TERM", "text", ""), "start_date": ("IT.MH.STDAT", "partialDate", ""),
        "ongoing": ("IT.MH.ONGO", "text", "CL.NY")}),
    "end_of_treatment": ("SE.EOT", "F.EOT", "IG.EOT", False, None, {
        "end_date": ("IT.DS.ENDAT", "date", ""), "premature": ("IT.DS.PREMAT", "text", "CL.NY"),
        "reason": ("IT.DS.REASON", "text", "CL.DSREAS"),
        "reason_other": ("IT.DS.REASOTH", "text", ""), "death_date": ("IT.DS.DTHDAT", "date", "")}),
}
EVENTS = {"SE.BASELINE": ("Baseline", "No"), "SE.CYCLE": ("Treatment cycle", "Yes"),
          "SE.LOGS": ("Logs", "No"), "SE.EOT": ("End of treatment", "No")}


def _a(value: str) -> str:
    return quoteattr(str(value))


def metadata() -> list[str]:
    out = ['  <Study OID="S.ISA-CUP-DE">', "    <GlobalVariables><StudyName>ISA-CUP-DE</StudyName>"
           "<StudyDescription>German isatuximab CUP (fictitious patients)</StudyDescription>"
           "<ProtocolName>ISA-CUP-DE</ProtocolName></GlobalVariables>",
           '    <MetaDataVersion OID="MDV.1" Name="Version 1">', "      <Protocol>"]
    out += [f'        <StudyEventRef StudyEventOID="{e}" OrderNumber="{i}" Mandatory="No"/>'
            for i, e in enumerate(EVENTS, 1)] + ["      </Protocol>"]
    for oid, (name, rep) in EVENTS.items():
        out.append(f'      <StudyEventDef OID="{oid}" Name="{name}" Repeating="{rep}" '
                   'Type="Scheduled">')
        out += [f'        <FormRef FormOID="{f[1]}" Mandatory="No"/>' for f in FORMS.values()
                if f[0] == oid] + ["      </StudyEventDef>"]
    for form, (_, f_oid, ig, rep, _, items) in FORMS.items():
        out.append(f'      <FormDef OID="{f_oid}" Name="{form}" Repeating="No">'
                   f'<ItemGroupRef ItemGroupOID="{ig}" Mandatory="Yes"/></FormDef>')
        out.append(f'      <ItemGroupDef OID="{ig}" Name="{form}" Repeating='
                   f'"{"Yes" if rep else "No"}">')
        out += [f'        <ItemRef ItemOID="{i[0]}" Mandatory="No"/>' for i in items.values()]
        out.append("      </ItemGroupDef>")
    for items in (f[5] for f in FORMS.values()):
        for col, (oid, dtype, cl) in items.items():
            ref = f'<CodeListRef CodeListOID="{cl}"/>' if cl else ""
            out.append(f'      <ItemDef OID="{oid}" Name="{col}" DataType="{dtype}" '
                       f'OpenClinica:FormOrder="1">{ref}</ItemDef>')
    for oid, codes in CODELISTS.items():
        out.append(f'      <CodeList OID="{oid}" Name="{oid[3:]}" DataType="text">')
        out += [f'        <CodeListItem CodedValue={_a(c)}><Decode><TranslatedText xml:lang="en">'
                f'{_x(d)}</TranslatedText></Decode></CodeListItem>' for c, d in codes.items()]
        out.append("      </CodeList>")
    return out + ["    </MetaDataVersion>", "  </Study>"]


def _x(text: str) -> str:
    return quoteattr(text)[1:-1]


def _coded(value: str, cl: str) -> str:
    if not cl or not value:
        return value
    back = {d: c for c, d in CODELISTS[cl].items()}
    if value not in back:
        raise SystemExit(f"{cl}: no code for {value!r}")
    return back[value]


def _group(ig: str, repeat: str | None, items: dict, row) -> list[str]:
    key = f' ItemGroupRepeatKey="{repeat}"' if repeat else ""
    out = [f'          <ItemGroupData ItemGroupOID="{ig}"{key} TransactionType="Insert">']
    for col, (oid, _, cl) in items.items():
        value = _coded(row[col], cl)
        if value:
            out.append(f'            <ItemData ItemOID="{oid}" Value={_a(value)}/>')
    return out + ["          </ItemGroupData>"]


def clinical_data(reference: Path = REFERENCE) -> list[str]:
    frames = {f: pd.read_csv(reference / f"{f}.csv", dtype=str, keep_default_na=False)
              for f in FORMS}
    out = ['  <ClinicalData StudyOID="S.ISA-CUP-DE" MetaDataVersionOID="MDV.1">']
    for _, pat in frames["patients"].iterrows():
        sid = pat["patient_id"]
        out += [f'    <SubjectData SubjectKey={_a(sid)} OpenClinica:Status="signed">',
                f'      <SiteRef LocationOID={_a(pat["site_id"])}/>',
                '      <OpenClinica:AuditLogs><OpenClinica:AuditLog UserID="dm1"/>'
                '</OpenClinica:AuditLogs>']
        for event in EVENTS:
            forms = [f for f, d in FORMS.items() if d[0] == event]
            if event == "SE.CYCLE":
                ex = frames["administrations"]
                ex = ex[ex["patient_id"] == sid]
                for cycle, rows in ex.groupby(ex["cycle"].astype(int), sort=True):
                    out.append(f'      <StudyEventData StudyEventOID="SE.CYCLE" '
                               f'StudyEventRepeatKey="{cycle}">')
                    out.append('        <FormData FormOID="F.EX">')
                    for n, (_, row) in enumerate(rows.iterrows(), 1):
                        out += _group("IG.EX", str(n), FORMS["administrations"][5], row)
                    out += ["        </FormData>", "      </StudyEventData>"]
                continue
            body = []
            for form in forms:
                _, f_oid, ig, rep, key, items = FORMS[form]
                rows = frames[form][frames[form]["patient_id"] == sid]
                if rows.empty:
                    continue
                body.append(f'        <FormData FormOID="{f_oid}">')
                for n, (_, row) in enumerate(rows.iterrows(), 1):
                    repeat = (row[key] if key else str(n)) if rep else None
                    body += _group(ig, repeat, items, row)
                body.append("        </FormData>")
            if body:
                out += [f'      <StudyEventData StudyEventOID="{event}">', *body,
                        "      </StudyEventData>"]
        out.append("    </SubjectData>")
    return out + ["  </ClinicalData>"]


def document(reference: Path = REFERENCE) -> str:
    head = ['<?xml version="1.0" encoding="UTF-8"?>',
            f'<ODM xmlns="{ODM}" xmlns:OpenClinica="{VENDOR}" ODMVersion="1.3.2" '
            'FileType="Snapshot" FileOID="ISA-CUP-DE-EXPORT-1" '
            'CreationDateTime="2021-03-01T10:00:00+01:00">']
    return "\n".join(head + metadata() + clinical_data(reference) + ["</ODM>", ""])


def write(dst: Path = HERE, reference: Path = REFERENCE) -> Path:
    path = dst / "isa_cup_odm.xml"
    path.write_text(document(reference), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE))
