"""All FHIR resources of a conversion, built from the hub: study-level and per subject.

>>> resources = build_resources(hub, hub.ledger)        # doctest: +SKIP
>>> len(resources.by_subject["ISA-CUP-DE-101-001"])     # doctest: +SKIP
63
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cup2std.engine.hub import Hub
from cup2std.validate.findings import Ledger
from cup2std.write.fhir.adverse_event import adverse_event, ae_keys
from cup2std.write.fhir.clinical import (
    CM_KEYS, MH_KEYS, OBS_KEYS, condition, medication_statement, observation, record_keys,
)
from cup2std.write.fhir.context import FhirContext, where_of
from cup2std.write.fhir.exposure import ex_keys, medication_administration
from cup2std.write.fhir.study import medications, organizations, research_study
from cup2std.write.fhir.subject import patient, research_subject


@dataclass
class FhirResources:
    """``shared``: ResearchStudy, Organizations, Medications; ``by_subject``: USUBJID -> list."""

    shared: list[dict] = field(default_factory=list)
    by_subject: dict[str, list[dict]] = field(default_factory=dict)
    subject_ids: dict[str, str] = field(default_factory=dict)  # USUBJID -> registry SUBJID

    def all(self) -> list[dict]:
        return self.shared + [r for rs in self.by_subject.values() for r in rs]


def build_resources(hub: Hub, ledger: Ledger) -> FhirResources:
    ctx = FhirContext.from_hub(hub, ledger)
    out = FhirResources()
    out.shared = [research_study(ctx), *organizations(ctx), *medications(ctx)]
    drugs = [r["identifier"][0]["value"] for r in out.shared if r["resourceType"] == "Medication"]
    ds = hub.frames.get("DS")
    for _, dm in hub.frames["DM"].iterrows():
        usubjid = str(dm["USUBJID"])
        out.subject_ids[usubjid] = str(dm["SUBJID"])
        out.by_subject[usubjid] = [patient(ctx, dm), research_subject(ctx, dm, ds)]
    builders = [("VS", lambda r, k: observation(ctx, "VS", r, k), OBS_KEYS["VS"]),
                ("RS", lambda r, k: observation(ctx, "RS", r, k), OBS_KEYS["RS"]),
                ("MH", lambda r, k: condition(ctx, r, k), MH_KEYS),
                ("CM", lambda r, k: medication_statement(ctx, r, k), CM_KEYS),
                ("EX", lambda r, k: medication_administration(ctx, r, k), ex_keys),
                ("AE", lambda r, k: adverse_event(ctx, r, k, drugs), ae_keys)]
    for domain, build, keys in builders:
        frame = hub.frames.get(domain)
        if frame is None or frame.empty:
            continue
        seen: dict[tuple, int] = {}
        for _, rec in _in_seq_order(frame, domain).iterrows():
            key = keys(rec) if callable(keys) else record_keys(rec, keys)
            seen[key] = seen.get(key, 0) + 1
            if seen[key] > 1:
                ctx.warn("FHIR009", f"two {domain} records share the key {'|'.join(key)}; the "
                         "second gets an occurrence number in its id", where_of(rec, domain))
                key = (*key, str(seen[key]))
            res = build(rec, key)
            if res is None:
                continue
            subject = str(rec["USUBJID"])
            if subject not in out.by_subject:
                ctx.warn("FHIR010", f"{domain} record of a subject not in DM; not written",
                         where_of(rec, domain), severity="error")
                continue
            out.by_subject[subject].append(res)
    return out


def _in_seq_order(frame: pd.DataFrame, domain: str) -> pd.DataFrame:
    seq = f"{domain}SEQ"
    if seq in frame and "USUBJID" in frame:
        return frame.sort_values(["USUBJID", seq], kind="stable")
    return frame
