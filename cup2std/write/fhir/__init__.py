"""FHIR R4 output of ``convert``: OUT/fhir/<ResourceType>.ndjson and OUT/fhir/bundles/<subject>.json.

Every resource is built from the SDTM hub (never from the source export), checked with the
fhir.resources R4B models (a failure is an error finding FHIR001 and the resource is still
written, so that it can be inspected), and serialised deterministically. See docs/fhir.md.

>>> from cup2std.write import OUTPUT_WRITERS
>>> "fhir" in [name for name, _ in OUTPUT_WRITERS]
True
"""
from __future__ import annotations

from pathlib import Path

from cup2std.write import register_writer
from cup2std.write.atomic import write_bytes_atomic
from cup2std.write.fhir.build import FhirResources, build_resources
from cup2std.write.fhir.check_models import check_resource
from cup2std.write.fhir.serialize import (
    bundle_file_name, ndjson_by_type, to_json, transaction_bundle,
)

__all__ = ["write_fhir", "build_resources", "FhirResources"]


@register_writer("fhir")
def write_fhir(hub, staging: Path, datasets: dict, ledger) -> dict:
    """Write NDJSON per type and one transaction Bundle per subject below ``staging/fhir``."""
    resources = build_resources(hub, ledger)
    invalid = 0
    for res in resources.all():
        problems = check_resource(res)
        for p in problems:
            ledger.finding("FHIR001", "error", f"FHIR R4 model check failed: {p}. This is a "
                           "cup2std defect or an unusual value; please report it",
                           domain=res["resourceType"], value=res["id"])
        invalid += bool(problems)
    out = staging / "fhir"
    files = {}
    for rtype, text in ndjson_by_type(resources.all()).items():
        write_bytes_atomic(out / f"{rtype}.ndjson", text.encode("utf-8"))
        files[rtype] = text.count("\n")
    shared = {r["resourceType"] + "/" + r["id"]: r for r in resources.shared}
    for usubjid, own in resources.by_subject.items():
        subject = resources.subject_ids.get(usubjid, usubjid)
        bundle = transaction_bundle(_bundle_id(own[0]["id"]), _needed(shared, own) + own)
        write_bytes_atomic(out / "bundles" / bundle_file_name(subject),
                           (to_json(bundle, indent=1) + "\n").encode("utf-8"))
    return {"resources": files, "bundles": len(resources.by_subject),
            "invalid_resources": invalid, "folder": "fhir"}


def _bundle_id(patient_id: str) -> str:
    return f"tx-{patient_id}"


def _needed(shared: dict, own: list[dict]) -> list[dict]:
    """The shared resources a subject's resources refer to, so each bundle stands alone."""
    text = "".join(to_json(r) for r in own)
    return [r for key, r in shared.items() if f'"reference":"{key}"' in text]
