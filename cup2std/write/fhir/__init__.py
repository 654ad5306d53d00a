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
import threading
import time
from pathlib import Path

import orjson

from cup2std.memory import release_free_memory
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
    return start_fhir(hub, staging, ledger).finish()


def start_fhir(hub, staging: Path, ledger) -> "FhirJob":
    """Start the FHIR stage; with more than one job its workers build while the caller goes on.

    ``convert`` starts it right after mapping, so that the SDTM package, Define-XML and the
    validation run in the parent process while the forked workers build the resources.
    """
    return FhirJob(hub, staging, ledger, getattr(hub, "options", None) or RunOptions())


write_fhir.start = start_fhir   # convert() looks for this to overlap the stage with others


class FhirJob:
    """The FHIR stage of one run: plan, shared resources, partitions built in order.

    With ``jobs > 1`` the partitions are built by forked worker processes from the moment the
    job is made, and a thread of the parent appends each finished part to the NDJSON files in
    partition order; with one job the partitions are built in ``finish``. Findings are handed
    to the ledger only in ``finish``, so their order does not depend on the timing.
    """

    def __init__(self, hub, staging: Path, ledger, opts: RunOptions):
        global _PLAN, _OUT, _CHECK
        self.ledger, self.started = ledger, time.perf_counter()
        before = len(ledger.findings)
        plan = self.plan = FhirPlan.from_hub(hub, ledger, opts.subjects_per_partition)
        check_resource({"resourceType": "Patient", "id": "warm"})   # load the models before forking
        shared_texts = [orjson.dumps(r) for r in plan.shared]
        self.invalid = _report(ledger, plan.shared,
                               check_resources(plan.shared, opts.fhir_check))
        self.early = ledger.findings[before:]
        del ledger.findings[before:]
        self.out = out = staging / "fhir"
        (out / "bundles").mkdir(parents=True, exist_ok=True)
        (out / ".parts").mkdir(parents=True, exist_ok=True)
        _PLAN, _OUT, _CHECK = plan, out, opts.fhir_check
        self.n_parts = len(plan.parts)
        self.jobs = max(1, min(opts.resolved_jobs(), self.n_parts))
        self.findings, self.counts = [], {}
        self.ndjson = _NdjsonFiles(out, plan.shared, shared_texts)
        self.pool = self.thread = self.error = None
        if self.jobs > 1:
            release_free_memory()   # the plan's temporaries, before the workers share the heap
            # Workers never collect cycles (millions of acyclic dicts; see _worker_init).
            self.pool = multiprocessing.get_context("fork").Pool(self.jobs, _worker_init)
            results = self.pool.imap(_write_part, range(self.n_parts))
            self.thread = threading.Thread(target=self._collect, args=(results,), daemon=True)
            self.thread.start()

    def _collect(self, results) -> None:
        bar, done = Bar("FHIR", len(self.plan.frames["DM"])), 0
        try:
            for k, (part_findings, part_invalid, part_counts) in enumerate(results):
                self.findings += part_findings
                self.invalid += part_invalid
                for t, n in part_counts.items():
                    self.counts[t] = self.counts.get(t, 0) + n
                self.ndjson.append_part(k, part_counts)   # while the workers build the next
                done += len(self.plan.parts[k]["DM"])
                bar.update(done)
            bar.done()
        except BaseException as exc:   # handed to finish(), which raises it in the caller
            self.error = exc

    def finish(self) -> dict:
        """Wait for (or, with one job, do) the partitions; findings to the ledger; the summary."""
        try:
            if self.pool is None:
                self._build_here()
            else:
                self.thread.join()
                self.pool.close()
                self.pool.join()
                if self.error is not None:
                    raise self.error
        finally:
            self.cancel()
        out, plan = self.out, self.plan
        self.findings.sort(key=_finding_order)
        self.ledger.findings.extend(self.early + self.findings)
        files = self.ndjson.counts(self.counts)
        self.wall_seconds = round(time.perf_counter() - self.started, 4)
        shutil.rmtree(out / ".parts", ignore_errors=True)
        os.sync()   # the files were written without one fsync each; make them durable at once
        return {"resources": files, "bundles": len(plan.frames["DM"]),
                "invalid_resources": self.invalid, "folder": "fhir"}

    def _build_here(self) -> None:
        # Millions of short-lived acyclic dicts: the cyclic collector would rescan the growing
        # heap again and again (half of the time); nothing built here forms a cycle.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._collect(map(_write_part, range(self.n_parts)))
        finally:
            if gc_was_enabled:
                gc.enable()
        if self.error is not None:
            raise self.error

    def cancel(self) -> None:
        """Stop the workers (if any) and close the files; safe to call twice."""
        global _PLAN
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
        _PLAN = None
        self.ndjson.close()


def _worker_init() -> None:
    gc.disable()


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
    problems = _report(ledger, flat, check_resources(flat, _CHECK,
                                                     plan.ctx.shared_part_shapes()))
    by_type: dict[str, list[bytes]] = {}
    for r, t in zip(flat, texts):
        by_type.setdefault(r["resourceType"], []).append(t)
    for rtype, lines in by_type.items():
        (out / ".parts" / f"{rtype}.{k:06d}").write_bytes(b"\n".join(lines) + b"\n")
    _write_bundles(out / "bundles", plan, res, texts)
    found = ledger.findings[start:]
    del ledger.findings[start:]
    counts = {t: len(v) for t, v in by_type.items()}
    del res, flat, texts, by_type
    release_free_memory()   # the partition's resources, before the next one
    return found, problems, counts


def _report(ledger, resources: list[dict], problems: list[tuple[int, list[str]]]) -> int:
    """One FHIR001 error per model problem; returns the number of resources that failed."""
    for i, found in problems:
        for p in found:
            ledger.finding("FHIR001", "error", f"FHIR R4 model check failed: {p}. This is a "
                           "cup2std defect or an unusual value; please report it",
                           domain=resources[i]["resourceType"], value=resources[i]["id"])
    return len(problems)


def _write_bundles(folder: Path, plan: FhirPlan, res: FhirResources, texts: list[bytes]) -> None:
    """One transaction Bundle per subject: PUT entries, shared resources the subject needs first.

    Each Bundle is joined once from its pieces (resources are copied once, not per piece).
    """
    shared = {f"{r['resourceType']}/{r['id']}".encode(): orjson.dumps(r) for r in plan.shared}
    types = sorted({r["resourceType"] for r in plan.shared})
    refs = re.compile(rb'"reference":"((?:' + b"|".join(t.encode() for t in types) +
                      rb')/[^"]*)"') if types else None
    put = b',"request":{"method":"PUT","url":"'
    i = 0
    for usubjid, own in res.by_subject.items():
        mine = texts[i:i + len(own)]
        i += len(own)
        used = set()
        if refs:
            for t in mine:
                used.update(refs.findall(t))
        pieces = [b'{"resourceType":"Bundle","id":"tx-', own[0]["id"].encode(),
                  b'","type":"transaction","entry":[']
        for key, text in shared.items():
            if key in used:
                pieces += (b'{"resource":', text, put, key, b'"}},')
        for r, text in zip(own, mine):
            pieces += (b'{"resource":', text, put,
                       f"{r['resourceType']}/{r['id']}".encode(), b'"}},')
        pieces[-1] = b'"}}]}\n'   # the last entry closes the list and the Bundle
        subject = res.subject_ids.get(usubjid, usubjid)
        (folder / bundle_file_name(subject)).write_bytes(b"".join(pieces))


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
