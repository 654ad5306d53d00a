"""FHIR resources from the hub: counts, determinism, content, R4B model check."""
from __future__ import annotations

import json
from collections import Counter

from cup2std.write.fhir import build_resources
from cup2std.write.fhir.adverse_event import AE_IG
from cup2std.write.fhir.check_models import check_resource
from cup2std.validate.findings import Ledger



def read_ndjson(path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x]


def test_counts_equal_sdtm_records(converted):
    fhir = converted.out / "fhir"
    hub = converted.hub
    counts = {p.stem: len(read_ndjson(p)) for p in fhir.glob("*.ndjson")}
    assert counts["Patient"] == len(hub.frames["DM"]) == 18
    assert counts["ResearchSubject"] == 18
    assert counts["AdverseEvent"] == len(hub.frames["AE"])
    assert counts["MedicationAdministration"] == len(hub.frames["EX"])
    assert counts["MedicationStatement"] == len(hub.frames["CM"])
    assert counts["Condition"] == len(hub.frames["MH"])
    assert counts["Observation"] == len(hub.frames["VS"]) + len(hub.frames["RS"])
    assert counts["Medication"] == hub.frames["EX"]["EXTRT"].nunique() == 3
    assert counts["Organization"] == hub.frames["DM"]["SITEID"].nunique()
    assert len(list((fhir / "bundles").glob("*.json"))) == 18
    assert [f for f in converted.hub.ledger.findings if f.rule.startswith("FHIR")] == []


def test_second_conversion_is_byte_identical(converted, tmp_path):
    from cup2std.api import convert
    again = convert("samples/isa_cup", mapping="mappings/cup_registry.yaml", out=tmp_path)
    first = sorted((converted.out / "fhir").rglob("*.json*"))
    second = sorted((again.out / "fhir").rglob("*.json*"))
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_every_resource_passes_the_r4b_models(converted):
    for path in (converted.out / "fhir").glob("*.ndjson"):
        for res in read_ndjson(path):
            assert check_resource(res) == [], (path.name, res["id"])


def test_r4b_model_check_reports_a_bad_resource():
    bad = {"resourceType": "MedicationAdministration", "id": "x", "status": "completed",
           "subject": {"reference": "Patient/p"}, "effectiveDateTime": "2020-13-01",
           "medicationCodeableConcept": {"text": "a"}}
    assert any("effectiveDateTime" in p for p in check_resource(bad))


def _ae(converted, usubjid: str, spid: str) -> dict:
    for res in read_ndjson(converted.out / "fhir" / "AdverseEvent.ndjson"):
        if res["identifier"]["value"] == f"{usubjid}|{spid}":
            return res
    raise AssertionError(f"no AdverseEvent {usubjid}|{spid}")


def ext(res: dict, name: str) -> list[dict]:
    return [e for e in res.get("extension", []) if e["url"] == AE_IG + name]


def test_fatal_ae_carries_grade_seriousness_criteria_and_outcome(converted):
    ae = _ae(converted, "ISA-CUP-DE-101-001", "6")  # disease progression, fatal, grade 5
    assert ext(ae, "ae-grade")[0]["valueCodeableConcept"]["coding"][0]["code"] == "C48275"
    criteria = {e["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]:
                e["extension"][1]["valueBoolean"] for e in ext(ae, "seriousness-criteria")}
    assert criteria == {"C48275": True, "C84266": False, "C83052": False, "C11338": False,
                        "C83117": False, "C82521": False}
    assert ae["seriousness"]["coding"][0]["code"] == "serious"
    assert {c["code"] for c in ae["outcome"]["coding"]} == {"C48275", "fatal"}
    assert ae["date"] == "2020-09-08"
    assert ext(ae, "resolve-date")[0]["valueDateTime"] == "2020-09-13"


def test_non_serious_ae_has_no_seriousness_criteria(converted):
    ae = _ae(converted, "ISA-CUP-DE-101-002", "1")
    assert ae["seriousness"]["coding"][0]["code"] == "non-serious"
    assert ext(ae, "seriousness-criteria") == []


def test_causality_per_drug_from_aerel_and_suppae(converted, hub):
    supp = hub.frames["SUPPAE"]
    ae = hub.frames["AE"]
    rec = ae[ae["AEREL"] == "RELATED"].iloc[0]
    seq = str(int(rec["AESEQ"]))
    mine = supp[(supp["USUBJID"] == rec["USUBJID"]) & (supp["IDVARVAL"].astype(str) == seq)]
    expected = {"ISATUXIMAB": "RELATED",
                "POMALIDOMIDE": mine.loc[mine["QNAM"] == "AERELPOM", "QVAL"].iloc[0],
                "DEXAMETHASONE": mine.loc[mine["QNAM"] == "AERELDEX", "QVAL"].iloc[0]}
    res = _ae(converted, rec["USUBJID"], rec["AESPID"])
    got = {}
    for e in ext(res, "suspect-entity"):
        parts = {x["url"]: x for x in e["extension"]}
        drug = parts["instance"]["valueReference"]["display"]
        got[drug] = parts["causality"]["extension"][0]["valueCodeableConcept"]["text"]
    assert got == expected
    action = ext(res, "mitigating-action")[0]["extension"][0]["valueCodeableConcept"]
    assert action["text"] == f"ISATUXIMAB: {rec['AEACN']}"


def test_partial_dates_are_kept_never_completed(hub):
    """A partial AE start and birth date go to FHIR as collected; a time gets the study zone."""
    frames = {k: v.copy() for k, v in hub.frames.items()}
    frames["AE"].loc[frames["AE"].index[0], "AESTDTC"] = "2020-08"
    frames["DM"].loc[frames["DM"].index[0], "BRTHDTC"] = "1946"
    partial = type(hub)(hub.spec, frames, hub.supp_meta, Ledger())
    res = build_resources(partial, partial.ledger)
    subj = frames["DM"].iloc[0]["USUBJID"]
    first_ae = frames["AE"].iloc[0]
    aes = [r for r in res.by_subject[first_ae["USUBJID"]] if r["resourceType"] == "AdverseEvent"
           and r["identifier"]["value"].endswith("|" + first_ae["AESPID"])]
    assert aes[0]["date"] == "2020-08"
    patient = res.by_subject[subj][0]
    assert patient["birthDate"] == "1946"
    times = [r["effectiveDateTime"] for r in res.all()
             if r["resourceType"] == "MedicationAdministration" and "T" in r.get("effectiveDateTime", "")]
    assert times and all(t.endswith(("+01:00", "+02:00")) for t in times)


def test_ids_are_deterministic_and_distinct(converted):
    ids = Counter()
    for path in (converted.out / "fhir").glob("*.ndjson"):
        for res in read_ndjson(path):
            ids[(res["resourceType"], res["id"])] += 1
    assert max(ids.values()) == 1


def test_bundle_is_a_put_transaction_that_stands_alone(converted):
    bundle = json.loads((converted.out / "fhir" / "bundles" / "101-001.json").read_text())
    assert bundle["type"] == "transaction"
    assert all(e["request"]["method"] == "PUT" for e in bundle["entry"])
    present = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]}
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            if "reference" in node:
                refs.add(node["reference"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)
    walk(bundle)
    assert refs <= present


def test_a_shared_part_that_raised_a_finding_is_reported_for_every_record(hub):
    """Dosages are built once per combination of values, but a finding names each record."""
    import copy

    changed = copy.copy(hub)
    changed.frames = dict(hub.frames)
    ex = hub.frames["EX"].copy()
    first = ex.index[ex["EXROUTE"] == "ORAL"][:3]
    ex.loc[first, ["EXROUTE", "EXDOSE", "EXDOSU", "EXDOSFRQ", "EXADJ"]] = \
        ["NASOGASTRIC TUBE", 4.0, "mg", "QD", ""]
    changed.frames["EX"] = ex
    ledger = Ledger()
    resources = build_resources(changed, ledger)
    routes = [f for f in ledger.findings if f.rule == "FHIR005"]
    assert sorted(f.row for f in routes) == sorted(int(r) for r in ex.loc[first, "_SRC_ROW"])
    given = [r for rs in resources.by_subject.values() for r in rs
             if r["resourceType"] == "MedicationAdministration"
             and r.get("dosage", {}).get("route", {}).get("text") == "NASOGASTRIC TUBE"]
    assert len(given) == 3 and all("coding" not in r["dosage"]["route"] for r in given)
