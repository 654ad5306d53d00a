"""All FHIR resources of a conversion, built from the hub: study-level and per subject.

Subject resources are built per partition (a run of subjects in DM order), so that a
registry of any size is written with bounded memory and the partitions can be spread over
processes; the result does not depend on how the subjects are partitioned.

>>> resources = build_resources(hub, hub.ledger)        # doctest: +SKIP
>>> len(resources.by_subject["ISA-CUP-DE-101-001"])     # doctest: +SKIP
63
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from cup2std.engine.hub import Hub
from cup2std.validate.findings import Ledger
from cup2std.write.fhir.adverse_event import adverse_event, ae_keys
from cup2std.write.fhir.clinical import (
    CM_KEYS, MH_KEYS, OBS_KEYS, condition, key_text, medication_statement, observation,
)
from cup2std.write.fhir.columns import Columns
from cup2std.write.fhir.context import FhirContext, where_of
from cup2std.write.fhir.exposure import EX_KEYS, medication_administration
from cup2std.write.fhir.qualifiers import Qualifiers
from cup2std.write.fhir.study import medications, organizations, research_study
from cup2std.write.fhir.subject import off_study_subjects, patient, research_subject

SUBJECT_DOMAINS = ("VS", "RS", "MH", "CM", "EX", "AE")


@dataclass
class FhirResources:
    """``shared``: ResearchStudy, Organizations, Medications; ``by_subject``: USUBJID -> list."""

    shared: list[dict] = field(default_factory=list)
    by_subject: dict[str, list[dict]] = field(default_factory=dict)
    subject_ids: dict[str, str] = field(default_factory=dict)  # USUBJID -> registry SUBJID

    def all(self) -> list[dict]:
        return self.shared + [r for rs in self.by_subject.values() for r in rs]


@dataclass
class FhirPlan:
    """What every partition needs: context, shared resources, rows of each subject run."""

    ctx: FhirContext
    shared: list[dict]
    drugs: list[str]
    off_study: set
    frames: dict[str, Columns]               # DM and subject domains, rows in build order
    parts: list[dict[str, np.ndarray]]       # per partition: domain -> row positions
    qualifiers: dict[str, Qualifiers]        # SUPP-- values of the frames' rows

    @classmethod
    def from_hub(cls, hub: Hub, ledger: Ledger, subjects_per_part: int = 0) -> "FhirPlan":
        ctx = FhirContext.from_hub(hub, ledger)
        shared = [research_study(ctx), *organizations(ctx), *medications(ctx)]
        drugs = [r["identifier"][0]["value"] for r in shared if r["resourceType"] == "Medication"]
        dm = hub.frames["DM"]
        frames = {"DM": (dm, np.arange(len(dm)))}
        for domain in SUBJECT_DOMAINS:
            frame = hub.frames.get(domain)
            if frame is not None and not frame.empty:
                frames[domain] = (frame, _seq_order(frame, domain))
        size = subjects_per_part or max(len(dm), 1)
        n_parts = max(1, -(-len(dm) // size))
        subjects = pd.Index(dm["USUBJID"].astype(str).to_numpy(dtype=object))
        parts: list[dict] = [{} for _ in range(n_parts)]
        for domain, (frame, order) in frames.items():
            # rows of subjects not in DM go to partition 0, which reports them (FHIR010);
            usubjid = frame["USUBJID"].astype(str).to_numpy(dtype=object)[order]
            at = _dm_positions(subjects, usubjid)
            no = np.where(at < 0, 0, at // size)
            by_part = np.argsort(no, kind="stable")
            bounds = np.searchsorted(no[by_part], np.arange(n_parts + 1))
            for k in range(n_parts):
                parts[k][domain] = by_part[bounds[k]:bounds[k + 1]]
        # the workers read the rows in build order, without a sorted copy of each frame
        columns = {domain: Columns(frame, order) for domain, (frame, order) in frames.items()}
        qualifiers = {domain: Qualifiers(hub.frames.get(f"SUPP{domain}"), domain, frame, order)
                      for domain, (frame, order) in frames.items()}
        return cls(ctx, shared, drugs, off_study_subjects(hub.frames.get("DS")), columns, parts,
                   qualifiers)

    def records(self, domain: str, rows: np.ndarray) -> list[dict]:
        """The rows as dicts, each with its SUPP-- qualifiers under ``QUALIFIERS``."""
        return self.qualifiers[domain].attach(self.frames[domain].records(rows), rows)

    def build_part(self, k: int) -> FhirResources:
        """The subject resources of partition ``k`` (findings go to the context's ledger)."""
        ctx, rows = self.ctx, self.parts[k]
        out = FhirResources()
        for dm in self.records("DM", rows["DM"]):
            usubjid = str(dm["USUBJID"])
            out.subject_ids[usubjid] = str(dm["SUBJID"])
            out.by_subject[usubjid] = [patient(ctx, dm), research_subject(ctx, dm, self.off_study)]
        builders = {"VS": (lambda r, k: observation(ctx, "VS", r, k), OBS_KEYS["VS"]),
                    "RS": (lambda r, k: observation(ctx, "RS", r, k), OBS_KEYS["RS"]),
                    "MH": (lambda r, k: condition(ctx, r, k), MH_KEYS),
                    "CM": (lambda r, k: medication_statement(ctx, r, k), CM_KEYS),
                    "EX": (lambda r, k: medication_administration(ctx, r, k), EX_KEYS),
                    "AE": (lambda r, k: adverse_event(ctx, r, k, self.drugs), ae_keys)}
        for domain in SUBJECT_DOMAINS:
            if domain not in self.frames:
                continue
            build, keys = builders[domain]
            seen: dict[tuple, int] = {}
            records = self.records(domain, rows[domain])
            key_rows = (map(keys, records) if callable(keys)
                        else self.frames[domain].key_rows(rows[domain], keys, key_text))
            for rec, key in zip(records, key_rows):
                seen[key] = seen.get(key, 0) + 1
                if seen[key] > 1:
                    ctx.warn("FHIR009", f"two {domain} records share the key {'|'.join(key)}; "
                             "the second gets an occurrence number in its id",
                             where_of(rec, domain))
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


def build_resources(hub: Hub, ledger: Ledger) -> FhirResources:
    """Every resource of the hub in memory (one partition): for tests and small programs."""
    plan = FhirPlan.from_hub(hub, ledger)
    out = plan.build_part(0)
    out.shared = plan.shared
    return out


def _dm_positions(index: pd.Index, values: np.ndarray) -> np.ndarray:
    """Row in DM of each value's subject (-1 when absent; a USUBJID twice in DM: its last row).

    >>> _dm_positions(pd.Index(["a", "b", "a"]), np.array(["a", "c", "b"], dtype=object)).tolist()
    [2, -1, 1]
    """
    if index.is_unique:
        return index.get_indexer(values)
    last = {u: i for i, u in enumerate(index)}
    return np.array([last.get(v, -1) for v in values], dtype=np.int64)


def _seq_order(frame: pd.DataFrame, domain: str) -> np.ndarray:
    """Row positions of ``frame`` by USUBJID and --SEQ (stable; as they are without --SEQ).

    >>> f = pd.DataFrame({"USUBJID": ["B", "A", "A"], "AESEQ": [1.0, 2.0, 1.0]})
    >>> _seq_order(f, "AE").tolist()
    [2, 1, 0]
    """
    seq = f"{domain}SEQ"
    if seq in frame and "USUBJID" in frame:
        keys = frame[["USUBJID", seq]].reset_index(drop=True)
        return keys.sort_values(["USUBJID", seq], kind="stable").index.to_numpy()
    return np.arange(len(frame))
