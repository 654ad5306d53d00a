"""FHIR R4 output of ``convert``: OUT/fhir/<ResourceType>.ndjson and OUT/fhir/bundles/<subject>.json.

Every resource is built from the SDTM hub (never from the source export), checked against the
fhir.resources R4B models (see check_bulk.py for how every resource is covered within the time
budget; a failure is an error finding FHIR001 and the resource is still written, so that it can
be inspected), and serialised deterministically (orjson, key order as built).

Subjects are processed in partitions (runs of ``run_options.subjects_per_partition`` subjects
in DM order), on up to ``run_options.jobs`` processes; each partition writes its NDJSON part
and its subjects' bundles, and the parts are joined in order, so the output is the same bytes
for any partitioning.

>>> from cup2std.write import OUTPUT_WRITERS
>>> "fhir" in [name for name, _ in OUTPUT_WRITERS]
True
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import re
import shutil
from pathlib import Path

import orjson

from cup2std.progress import Bar
from cup2std.run_options import RunOptions
from cup2std.write import register_writer
from cup2std.write.fhir.build import FhirPlan, FhirResources, build_resources
from cup2std.write.fhir.check_bulk import check_resources
from cup2std.write.fhir.check_models import check_resource
from cup2std.write.fhir.serialize import bundle_file_name

__all__ = ["write_fhir", "build_resources", "FhirResources"]

_PLAN: FhirPlan | None = None   # set before the worker processes fork
_OUT: Path | None = None
_CHECK: str = "shapes"


@register_writer("fhir")
def write_fhir(hub, staging: Path, datasets: dict, ledger) -> dict:
    """Write NDJSON per type and one transaction Bundle per subject below ``staging/fhir``."""
    opts = getattr(hub, "options", None) or RunOptions()
    # Millions of short-lived acyclic dicts: the cyclic collector would rescan the growing heap
    # again and again (half of the time); nothing built here forms a cycle.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _write_fhir(hub, staging, ledger, opts)
    finally:
        if gc_was_enabled:
            gc.enable()


def _write_fhir(hub, staging: Path, ledger, opts: RunOptions) -> dict:
    global _PLAN, _OUT, _CHECK
    plan = FhirPlan.from_hub(hub, ledger, opts.subjects_per_partition)
    check_resource({"resourceType": "Patient", "id": "warm"})   # load the models before forking
    shared_texts = [orjson.dumps(r) for r in plan.shared]
    invalid = _report(ledger, plan.shared,
                      check_resources(plan.shared, shared_texts, opts.fhir_check))
    out = staging / "fhir"
    (out / "bundles").mkdir(parents=True, exist_ok=True)
    (out / ".parts").mkdir(parents=True, exist_ok=True)
    _PLAN, _OUT, _CHECK = plan, out, opts.fhir_check
    n_parts = len(plan.parts)
    jobs = max(1, min(opts.resolved_jobs(), n_parts))
    bar = Bar("FHIR", len(plan.frames["DM"]))
    findings, counts, done = [], {}, 0
    ndjson = _NdjsonFiles(out, plan.shared, shared_texts)
    try:
        if jobs == 1:
            results = map(_write_part, range(n_parts))
            pool = None
        else:
            pool = multiprocessing.get_context("fork").Pool(jobs)
            results = pool.imap(_write_part, range(n_parts))
        for k, (part_findings, part_invalid, part_counts) in enumerate(results):
            findings += part_findings
            invalid += part_invalid
            for t, n in part_counts.items():
                counts[t] = counts.get(t, 0) + n
            ndjson.append_part(k, part_counts)   # while the workers build the next parts
            done += len(plan.parts[k]["DM"])
            bar.update(done)
        if pool:
            pool.close()
            pool.join()
    finally:
        _PLAN = None
        ndjson.close()
    bar.done()
    findings.sort(key=_finding_order)
    ledger.findings.extend(findings)
    files = ndjson.counts(counts)
    shutil.rmtree(out / ".parts", ignore_errors=True)
    os.sync()   # the files were written without one fsync each; make them durable at once
    return {"resources": files, "bundles": len(plan.frames["DM"]),
            "invalid_resources": invalid, "folder": "fhir"}


def _finding_order(f) -> tuple:
    return (f.subject or "", f.domain or "", f.row if f.row is not None else -1,
            f.variable or "", f.rule, f.message)


def _write_part(k: int) -> tuple[list, int, dict]:
    """Build, check and write partition ``k``; returns its findings, invalid count, counts."""
    plan, out = _PLAN, _OUT
    ledger = plan.ctx.ledger
    start = len(ledger.findings)
    res = plan.build_part(k)
    flat = [r for rs in res.by_subject.values() for r in rs]
    texts = [orjson.dumps(r) for r in flat]
    problems = _report(ledger, flat, check_resources(flat, texts, _CHECK,
                                                     plan.ctx.shared_part_shapes()))
    by_type: dict[str, list[bytes]] = {}
    for r, t in zip(flat, texts):
        by_type.setdefault(r["resourceType"], []).append(t)
    for rtype, lines in by_type.items():
        (out / ".parts" / f"{rtype}.{k:06d}").write_bytes(b"\n".join(lines) + b"\n")
    _write_bundles(out / "bundles", plan, res, texts)
    found = ledger.findings[start:]
    del ledger.findings[start:]
    return found, problems, {t: len(v) for t, v in by_type.items()}


def _report(ledger, resources: list[dict], problems: list[tuple[int, list[str]]]) -> int:
    """One FHIR001 error per model problem; returns the number of resources that failed."""
    for i, found in problems:
        for p in found:
            ledger.finding("FHIR001", "error", f"FHIR R4 model check failed: {p}. This is a "
                           "cup2std defect or an unusual value; please report it",
                           domain=resources[i]["resourceType"], value=resources[i]["id"])
    return len(problems)


def _write_bundles(folder: Path, plan: FhirPlan, res: FhirResources, texts: list[bytes]) -> None:
    """One transaction Bundle per subject: PUT entries, shared resources the subject needs first."""
    shared = {f"{r['resourceType']}/{r['id']}": orjson.dumps(r) for r in plan.shared}
    types = sorted({r["resourceType"] for r in plan.shared})
    refs = re.compile(rb'"reference":"((?:' + b"|".join(t.encode() for t in types) +
                      rb')/[^"]*)"') if types else None
    i = 0
    for usubjid, own in res.by_subject.items():
        mine = texts[i:i + len(own)]
        i += len(own)
        used = set(m.decode() for m in refs.findall(b"".join(mine))) if refs else set()
        entries = [(key, text) for key, text in shared.items() if key in used]
        entries += [(f"{r['resourceType']}/{r['id']}", t) for r, t in zip(own, mine)]
        body = b",".join(b'{"resource":' + t + b',"request":{"method":"PUT","url":"' +
                         key.encode() + b'"}}' for key, t in entries)
        bundle_id = f"tx-{own[0]['id']}".encode()
        text = (b'{"resourceType":"Bundle","id":"' + bundle_id +
                b'","type":"transaction","entry":[' + body + b"]}\n")
        subject = res.subject_ids.get(usubjid, usubjid)
        (folder / bundle_file_name(subject)).write_bytes(text)


class _NdjsonFiles:
    """OUT/fhir/<Type>.ndjson: the shared resources, then the partitions' parts in order.

    Parts are appended as they arrive (in partition order), so joining overlaps the building.
    """

    def __init__(self, out: Path, shared: list[dict], texts: list[bytes]):
        self.out, self.handles = out, {}
        self.shared: dict[str, list[bytes]] = {}
        for r, t in zip(shared, texts):
            self.shared.setdefault(r["resourceType"], []).append(t)
        for rtype in self.shared:
            self._handle(rtype)

    def _handle(self, rtype: str):
        fh = self.handles.get(rtype)
        if fh is None:
            fh = self.handles[rtype] = open(self.out / f"{rtype}.ndjson", "wb", buffering=0)
            if rtype in self.shared:
                data = memoryview(b"\n".join(self.shared[rtype]) + b"\n")
                while data:   # a raw file may take less than all at once
                    data = data[fh.write(data):]
        return fh

    def append_part(self, k: int, part_counts: dict) -> None:
        for rtype in sorted(part_counts):
            part = self.out / ".parts" / f"{rtype}.{k:06d}"
            _append(part, self._handle(rtype))
            part.unlink()

    def close(self) -> None:
        for fh in self.handles.values():
            fh.close()

    def counts(self, counts: dict) -> dict:
        return {t: len(self.shared.get(t, [])) + counts.get(t, 0)
                for t in sorted(set(self.shared) | set(counts))}


def _append(part: Path, fh) -> None:
    """Append a part file to an unbuffered open file, in the kernel where it can."""
    with open(part, "rb", buffering=0) as src:
        try:
            while os.copy_file_range(src.fileno(), fh.fileno(), 1 << 30):
                pass
        except (AttributeError, OSError):   # not Linux, or a file system that cannot
            shutil.copyfileobj(src, fh, 1 << 22)
