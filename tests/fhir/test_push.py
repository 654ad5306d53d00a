"""Push to a real FHIR server (Medplum engine, in memory): search back, idempotence, faults."""
from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest

from cup2std.push import FhirClient, push_bundles
from cup2std.write.fhir.adverse_event import AE_IG


def client(url, **kw) -> tuple[FhirClient, list]:
    waits: list[float] = []
    return FhirClient(url, sleep=waits.append, backoff=0.01, **kw), waits


def search(c: FhirClient, query: str) -> list[dict]:
    sep = "&" if "?" in query else "?"
    resp = c.request("GET", f"{query}{sep}_count=1000")
    assert resp.status == 200, resp.body
    return [e["resource"] for e in resp.body.get("entry", [])]


def state(c: FhirClient) -> dict:
    types = ("Patient", "AdverseEvent", "MedicationAdministration", "Medication", "Organization",
             "ResearchStudy", "ResearchSubject", "Observation", "Condition", "MedicationStatement")
    return {t: sorted(json.dumps({k: v for k, v in r.items() if k != "meta"}, sort_keys=True)
                      for r in search(c, t)) for t in types}


@pytest.fixture()
def fhir_copy(converted, tmp_path):
    dest = tmp_path / "fhir"
    shutil.copytree(converted.out / "fhir", dest)
    return dest


def test_push_search_back_and_push_again(converted, fhir_copy, fhir_server):
    c, _ = client(fhir_server)
    report = push_bundles(fhir_copy, c)
    assert report.failed == []
    hub = converted.hub
    table = report.table()
    assert table["Patient"]["created"] == 18
    assert table["AdverseEvent"]["created"] == len(hub.frames["AE"])
    patients = {p["identifier"][1]["value"]: p["id"] for p in search(c, "Patient")}
    assert len(patients) == 18
    for usubjid, pid in patients.items():
        aes = search(c, f"AdverseEvent?subject=Patient/{pid}")
        mas = search(c, f"MedicationAdministration?patient=Patient/{pid}")
        assert len(aes) == (hub.frames["AE"]["USUBJID"] == usubjid).sum()
        assert len(mas) == (hub.frames["EX"]["USUBJID"] == usubjid).sum()
    before = state(c)
    again = push_bundles(fhir_copy, c, resume=False)
    assert again.failed == [] and again.table()["Patient"]["updated"] == 18
    assert state(c) == before


def test_grades_criteria_causality_and_partial_dates_survive(converted, fhir_copy, fhir_server):
    c, _ = client(fhir_server)
    assert push_bundles(fhir_copy, c).failed == []
    hub = converted.hub
    ae = hub.frames["AE"]
    fatal = ae[ae["AESDTH"] == "Y"].iloc[0]
    pid = {p["identifier"][1]["value"]: p for p in search(c, "Patient")}
    back = [r for r in search(c, f"AdverseEvent?subject=Patient/{pid[fatal['USUBJID']]['id']}")
            if r["identifier"]["value"].endswith("|" + fatal["AESPID"])][0]
    ext = {e["url"].rsplit("/", 1)[-1]: e for e in back["extension"]}
    assert ext["ae-grade"]["valueCodeableConcept"]["coding"][0]["code"] == "C48275"
    present = [e["extension"][0]["valueCodeableConcept"]["coding"][0]["code"]
               for e in back["extension"] if e["url"] == AE_IG + "seriousness-criteria"
               and e["extension"][1]["valueBoolean"]]
    assert present == ["C48275"]
    drugs = [e["extension"][0]["valueReference"]["display"] for e in back["extension"]
             if e["url"] == AE_IG + "suspect-entity"]
    assert drugs == ["DEXAMETHASONE", "ISATUXIMAB", "POMALIDOMIDE"] or sorted(drugs) == \
        ["DEXAMETHASONE", "ISATUXIMAB", "POMALIDOMIDE"]
    # partial dates as collected: birth year only, CM start year only
    dm = hub.frames["DM"]
    year_only = dm[dm["BRTHDTC"].str.len() == 4].iloc[0]
    assert pid[year_only["USUBJID"]]["birthDate"] == year_only["BRTHDTC"]
    cm = hub.frames["CM"]
    partial = cm[cm["CMSTDTC"].fillna("").str.len() == 4].iloc[0]
    stmts = search(c, f"MedicationStatement?subject=Patient/{pid[partial['USUBJID']]['id']}")
    assert partial["CMSTDTC"] in [s.get("effectivePeriod", {}).get("start") for s in stmts]


def test_retries_on_503_with_retry_after_and_dropped_connection(fhir_copy, fhir_server):
    c, waits = client(fhir_server)
    faults = c.request("POST", "$faults", {"status503": 2, "retryAfter": 3, "drop": 0})
    assert faults.status == 200
    report = push_bundles(fhir_copy, c)
    assert report.failed == [] and waits[:2] == [3.0, 3.0]
    c.request("POST", "$faults", {"drop": 1})
    retry = push_bundles(fhir_copy, c, resume=False)
    assert retry.failed == [] and len(waits) == 3
    assert c.request("GET", "$stats").body["faults"] == 3


def test_retries_429_500_and_timeouts_without_duplicating(fhir_copy, fhir_server):
    c, waits = client(fhir_server, timeout=0.5)
    c.request("POST", "$faults", {"status429": 1, "status500": 1, "retryAfter": 2})
    first = push_bundles(fhir_copy, c)
    assert first.failed == [] and waits[:2] == [2.0, 2.0]
    c.request("POST", "$faults", {"slow": 1, "slowMs": 1500})
    again = push_bundles(fhir_copy, c, resume=False)
    assert again.failed == [] and len(waits) == 3   # one timeout, retried
    assert c.request("GET", "$stats").body["faults"] == 3
    assert len(search(c, "Patient")) == 18 and len(search(c, "AdverseEvent")) == 29


def test_gives_up_after_max_retries(fhir_copy, fhir_server):
    c, waits = client(fhir_server, max_retries=2)
    c.request("POST", "$faults", {"status503": 100, "retryAfter": 0})
    report = push_bundles(fhir_copy, c)
    assert len(report.failed) == 18 and report.failed[0].status == 503
    assert waits[:2] == [0.0, 0.0]


def test_rejected_bundle_is_reported_and_the_rest_goes_on(fhir_copy, fhir_server):
    bundles = sorted((fhir_copy / "bundles").glob("*.json"))
    bad = json.loads(bundles[1].read_text())
    patient = next(e for e in bad["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["resource"]["gender"] = "woman"
    bundles[1].write_text(json.dumps(bad))
    c, _ = client(fhir_server)
    report = push_bundles(fhir_copy, c)
    assert [r.file for r in report.failed] == [bundles[1].name]
    assert "administrative-gender" in report.failed[0].outcome
    assert "rejected " + bundles[1].name in report.render()
    assert len(search(c, "Patient")) == 17  # all or nothing: none of the bad bundle's resources
    assert sum(c["created"] for c in report.table().values()) > 0


def test_interrupted_push_resumes(fhir_copy, fhir_server):
    c, _ = client(fhir_server)
    c.request("POST", "$faults", {"status503": 100, "retryAfter": 0})
    c_once, _ = client(fhir_server, max_retries=0)
    first = push_bundles(fhir_copy, c_once)
    assert len(first.failed) == 18
    c.request("POST", "$faults", {"status503": 0})
    second = push_bundles(fhir_copy, c)
    third = push_bundles(fhir_copy, c)
    assert second.failed == [] and sum(x["created"] for x in second.table().values()) > 0
    assert all(r.skipped for r in third.results)


def test_token_is_sent_but_never_printed(fhir_copy, fhir_server, monkeypatch, capsys):
    monkeypatch.setenv("CUP2STD_TEST_TOKEN", "s3cr3t-token")
    from cup2std.cli import main
    code = main(["push", str(fhir_copy), "--server", fhir_server, "--token-env",
                 "CUP2STD_TEST_TOKEN"])
    out = capsys.readouterr()
    assert code == 0
    assert "s3cr3t-token" not in out.out + out.err
    assert "Patient" in out.out


def test_missing_token_variable_is_a_usage_error(fhir_copy, capsys, monkeypatch):
    monkeypatch.delenv("NO_SUCH_TOKEN_VAR", raising=False)
    from cup2std.cli import main
    assert main(["push", str(fhir_copy), "--server", "http://127.0.0.1:9/fhir",
                 "--token-env", "NO_SUCH_TOKEN_VAR"]) == 2
    assert "NO_SUCH_TOKEN_VAR" in capsys.readouterr().err


def test_types_counted_per_bundle():
    from cup2std.push.run import BundleResult, PushReport
    r = PushReport("x", [BundleResult("a.json", 200, 2, {"Patient": Counter(created=1)}),
                         BundleResult("b.json", 400, 1, {"Patient": Counter(failed=1)}, "bad")])
    assert r.table()["Patient"] == Counter(created=1, failed=1)
    assert [x.file for x in r.failed] == ["b.json"]
