"""What a Python user imports: ``convert`` (and the pieces it is made of).

>>> from cup2std.api import convert
>>> result = convert("samples/isa_cup", out="out")          # doctest: +SKIP
>>> result.exit_code, result.datasets["AE"]["records"]      # doctest: +SKIP
(0, 29)
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from cup2std import __version__
from cup2std.engine.hub import Hub, build_hub
from cup2std.engine.pseudonym import pseudonymise_hub
from cup2std.readers import read_source
from cup2std.run_options import RunOptions
from cup2std.readers.base import SRC_FORM, SRC_ROW
from cup2std.spec import load_mapping
from cup2std.validate.registry import PREPARED
from cup2std.validate.rules import run_rules
from cup2std.memory import release_free_memory
from cup2std.write import load_plugins
from cup2std.write.atomic import write_json_atomic
from cup2std.write.package import write_sdtm_package

DEFAULT_MAPPING = "mappings/cup_registry.yaml"
DEFAULT_FHIR_MAPPING = "mappings/fhir_r4.yaml"


def default_mapping_path(source: str | Path | None = None) -> Path:
    """The reference mapping: ./mappings/cup_registry.yaml, else the copy in the package;
    for a FHIR source (NDJSON or Bundles) mappings/fhir_r4.yaml."""
    name = DEFAULT_MAPPING
    if source is not None and Path(source).exists():
        from cup2std.readers import source_kind
        if source_kind(Path(source)) == "fhir":
            name = DEFAULT_FHIR_MAPPING
    local = Path(name)
    if local.exists():
        return local
    return Path(__file__).resolve().parents[1] / name


@dataclass
class ConvertResult:
    hub: Hub
    out: Path
    datasets: dict[str, dict]   # name -> file, records, variables, split (as written)
    log: dict
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> int:
        return self.hub.ledger.count("error")

    @property
    def exit_code(self) -> int:
        """0 clean; 1 when rows were rejected or error findings were raised."""
        return 1 if (self.hub.ledger.rejects or self.errors) else 0


def validation_frames(hub: Hub) -> dict[str, pd.DataFrame]:
    """SDTM columns plus provenance, so that findings can name the source row.

    Hub text is already stripped, with '' for missing (readers strip every cell; the spec
    strips constants and value-map targets), so the rules need not prepare it again.
    """
    out = {}
    for name in hub.datasets:
        df = hub.sdtm(name)
        for col in (SRC_FORM, SRC_ROW):
            if col in hub.frames[name]:
                df[col] = hub.frames[name][col].values
        df.attrs[PREPARED] = True
        out[name] = df
    return out


def convert(source: str | Path, mapping: str | Path | None = None, out: str | Path = "out",
            progress: Callable[[str], None] | None = None,
            pseudonym_key: bytes | None = None, subjects_per_partition: int | None = None,
            jobs: int | None = None, fhir_check: str | None = None) -> ConvertResult:
    """Registry export -> SDTM package in ``out/sdtm`` + ``out/conversion-log.json``.

    Raises SpecError/SourceError/UsageError (exit 2) before writing anything; bad data
    becomes findings and rejects, written beside the output. With ``pseudonym_key`` every
    subject id is replaced by its keyed hash in all outputs (see engine/pseudonym.py).
    ``subjects_per_partition`` and ``jobs`` say how the per-subject work is split (the
    outputs do not depend on them); ``fhir_check="all"`` checks every FHIR resource with the
    R4B model (docs/performance.md).
    """
    defaults = RunOptions()
    options = RunOptions(subjects_per_partition or defaults.subjects_per_partition,
                         jobs or defaults.jobs, fhir_check or defaults.fhir_check)
    say = progress or (lambda msg: None)
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[stage] = round(now - clock, 4)
        clock = now

    mapping_path = Path(mapping) if mapping else default_mapping_path(source)
    spec = load_mapping(mapping_path)
    say(f"mapping {mapping_path} checked")
    data = read_source(source, spec.source)
    lap("read")
    say(f"read {sum(data.rows_read().values())} rows from {len(data.forms)} forms")
    hub = build_hub(spec, data)
    hub.options = options
    if pseudonym_key:
        pseudonymise_hub(hub, pseudonym_key)
    release_free_memory()   # the source and mapping temporaries (see cup2std/memory.py)
    lap("map")
    say(f"mapped {sum(len(f) for f in hub.frames.values())} records into "
        f"{len(hub.frames)} datasets")
    files = dict(data.files)
    out = Path(out)
    staging = out / ".cup2std-staging"
    shutil.rmtree(staging, ignore_errors=True)
    writers = load_plugins()
    # Writers that can run beside the rest (FHIR, in worker processes unless --jobs 1) start
    # now, from the mapped hub, and are finished at their turn; the outputs do not depend on it.
    started = {name: writer.start(hub, staging, hub.ledger) for name, writer in writers
               if hasattr(writer, "start")}
    try:
        lap("start_background")
        from cup2std.validate.runner import hub_context
        for f in run_rules(validation_frames(hub), hub_context(hub, files)):
            hub.ledger.findings.append(f)
        hub.ledger.dedupe()
        release_free_memory()
        lap("validate")
        datasets = write_sdtm_package(hub, staging / "sdtm", hub.ledger)
        release_free_memory()
        lap("write_xpt")
        outputs = {}
        for i, (name, writer) in enumerate(writers):
            if not any(getattr(w, "reads_package", False) for _, w in writers[i:]):
                _release_package_frames(hub, datasets)
            job = started.pop(name, None)
            outputs[name] = job.finish() if job else writer(hub, staging, datasets, hub.ledger)
            lap(f"write_{name}")
            if job:   # its own wall time, most of it beside the stages above
                timings[f"{name}_from_start"] = job.wall_seconds
        _publish(staging, out)
    finally:
        for job in started.values():
            job.cancel()
        shutil.rmtree(staging, ignore_errors=True)
    datasets = {k: {**v, "file": str(out / "sdtm" / Path(v["file"]).name)}
                for k, v in datasets.items()}
    log = conversion_log(hub, datasets, source, mapping_path, timings)
    log["outputs"] = outputs
    write_json_atomic(out / "findings.json",
                      [f.__dict__ for f in hub.ledger.findings])
    # Written last: its presence says the run completed (see _publish).
    write_json_atomic(out / "conversion-log.json", log)
    say(f"wrote {len(datasets)} datasets to {out / 'sdtm'}")
    return ConvertResult(hub, out, datasets, log, timings)


def _release_package_frames(hub: Hub, datasets: dict) -> None:
    """Drop the SDTM views and the datasets as written once no writer reads them.

    The hub keeps its frames (the views are made again if asked for). At 100,000 patients
    this gives back about 0.3 GB before the wait for the FHIR workers, the longest stage.
    """
    hub.invalidate()
    for entry in datasets.values():
        entry.pop("dataset", None)
    release_free_memory()


def _publish(staging: Path, out: Path) -> None:
    """Move staged files into place one by one (each move atomic).

    The previous run's conversion-log.json goes first and the new one is written last, so an
    interrupted run leaves no log: OUT is complete exactly when conversion-log.json exists.
    Files of a previous run that this run did not write (a dataset that no longer exists, say)
    are removed, so that OUT never mixes two runs.
    """
    (out / "conversion-log.json").unlink(missing_ok=True)
    staged = [p for p in sorted(staging.rglob("*")) if p.is_file()]
    folders = {p.parent.relative_to(staging) for p in staged}
    keep = {p.relative_to(staging) for p in staged}
    for rel in folders:
        target_dir = out / rel
        if target_dir.exists():
            for old in target_dir.iterdir():
                if old.is_file() and old.relative_to(out) not in keep:
                    old.unlink()
    for p in staged:
        target = out / p.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        p.replace(target)
    shutil.rmtree(staging, ignore_errors=True)


def conversion_log(hub: Hub, datasets: dict, source, mapping_path: Path,
                   timings: dict) -> dict:
    """Every source row accounted for: read = in output + rejected, per form."""
    by_source: dict[str, dict[str, int]] = {}
    for name, df in hub.frames.items():
        if SRC_FORM in df:
            by_source[name] = {str(k): int(v) for k, v in df[SRC_FORM].value_counts().items()}
    ledger = hub.ledger
    return {
        "cup2std_version": __version__,
        "mapping": str(mapping_path),
        "source": str(source),
        "study": hub.spec.studyid,
        "sources": hub.accounting,
        "missing_forms": hub.missing_forms,
        "datasets": {k: {"records": v["records"], "file": Path(v["file"]).name,
                         "variables": len(v["variables"])} for k, v in datasets.items()},
        "records_by_source_form": by_source,
        "rejects": [r.__dict__ for r in ledger.rejects],
        "findings": {s: ledger.count(s) for s in ("error", "warning", "info")},
        "transliterations": [c for c in ledger.changes if c["kind"] == "transliteration"],
        "long_text_splits": [c for c in ledger.changes if c["kind"] == "long_text_split"],
        "reconciles": all(v["reconciles"] for v in hub.accounting.values()),
        "timings_seconds": timings,
    }


def push(fhir_dir: str | Path, server: str, token_env: str | None = None, verify_tls: bool = True,
         ca_bundle: str | None = None, resume: bool = True, max_retries: int = 5,
         progress=None, on_retry=None):
    """Send OUT/fhir/bundles/*.json to a FHIR server; returns a PushReport (see docs/fhir.md).

    >>> report = push("out/fhir", "https://fhir.example.org/r4")   # doctest: +SKIP
    >>> len(report.failed)                                          # doctest: +SKIP
    0
    """
    from cup2std.push import FhirClient, push_bundles
    client = FhirClient(server, token_env=token_env, verify_tls=verify_tls, ca_bundle=ca_bundle,
                        max_retries=max_retries, on_retry=on_retry or (lambda msg: None))
    return push_bundles(fhir_dir, client, resume=resume, progress=progress)
def report(sdtm_dir: str | Path, out: str | Path = "report", spec: str | Path | None = None,
           encoding: str | None = None):
    """SDTM package -> OUT/report.html, one CSV per table, figure1_swimmer.png/.svg.

    >>> r = report("out/sdtm", out="report",
    ...            spec="mappings/cup_registry.report.yaml")   # doctest: +SKIP
    >>> r.table("table1_baseline").values["Female"], r.partial  # doctest: +SKIP
    (10, [])
    """
    from cup2std.report import build_report, write_report

    result = build_report(sdtm_dir, spec=spec, encoding=encoding)
    write_report(result, out)
    return result
