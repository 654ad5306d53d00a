"""FHIR R4 sources: Bulk Data NDJSON or Bundles -> one form per resource type (docs/fhir-source.md).

A source is a folder of ``<ResourceType>.ndjson`` files (as ``cup2std convert`` writes in
OUT/fhir, or a server's Bulk Data ``$export`` gives), a folder of Bundle ``.json`` files
(OUT/fhir/bundles), or one ``.ndjson``/``.json`` file. Only the top level of a folder is read.
Each mapping form names a ``resource`` type and the ``paths`` it needs (cup2std/readers/
fhir_path.py): a form has one row per resource of that type, one column per path. ``resolve()``
follows references to any resource of the source, declared as a form or not.

The same resource may come several times (each Bundle carries the study, site and drugs it
refers to): it is read once; a copy with different content is a warning FHIRIN001.
Provenance: ``_SRC_ROW`` = record number within the form (for NDJSON the line of the file),
``_SRC_FILE`` = the file, ``_SRC_LINE`` = line (NDJSON) or entry number (Bundle).
A dateTime with a time-zone offset is given in ``source.timezone`` without the offset, as SDTM
keeps collected local times (``2021-01-25T13:40:00+01:00`` -> ``2021-01-25T13:40``).

>>> data = read_fhir(Path("out/fhir"), spec.source)              # doctest: +SKIP
>>> data.forms["adverse_events"][["subject_id", "_SRC_ROW"]][:1]  # doctest: +SKIP
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from cup2std.errors import SourceError
from cup2std.readers.base import SRC_ROW, SourceData
from cup2std.readers.fhir_path import evaluate, parse, text_of
from cup2std.spec.model import SourceSpec
from cup2std.validate.findings import Finding

SRC_FILE, SRC_LINE = "_SRC_FILE", "_SRC_LINE"
_OFFSET_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")


@dataclass
class Record:
    resource: dict
    file: str
    line: int


def fhir_files(path: Path) -> list[Path]:
    """The files of a FHIR source: the file itself, or the .ndjson/.json files of a folder."""
    if path.is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_file() and
                  p.suffix.lower() in (".ndjson", ".json") and not p.name.startswith("."))


def looks_like_fhir(path: Path) -> bool:
    """A folder is a FHIR source when it has .ndjson/.json files and no .csv file."""
    names = [p.suffix.lower() for p in path.iterdir() if p.is_file()]
    return ".csv" not in names and any(s in (".ndjson", ".json") for s in names)


def read_fhir(path: Path, source: SourceSpec) -> SourceData:
    """Read every resource, then flatten the declared forms."""
    files = fhir_files(path)
    if not files:
        raise SourceError("has no .ndjson or .json files; give the folder that holds "
                          "<ResourceType>.ndjson files or Bundle .json files", file=str(path))
    data = SourceData()
    index = _Index(data)
    for file in files:
        for rec in _records(file):
            index.add(rec)
    declared = set()
    for form in source.forms.values():
        declared.add(form.resource)
        records = index.by_type.get(form.resource, [])
        if not records:
            data.missing_forms.append(form.name)
            continue
        data.forms[form.name] = _frame(form, records, index, source.timezone, data)
        data.files[form.name] = _form_file(path, records)
    unread = {t: len(r) for t, r in index.by_type.items() if t not in declared}
    if unread:
        listing = ", ".join(f"{n} {t}" for t, n in sorted(unread.items()))
        data.findings.append(Finding(
            "FHIRIN003", "info", f"resources not read by the mapping (no form names their "
            f"type; reached only through resolve()): {listing}", file=str(path)))
    return data


def _form_file(path: Path, records: list[Record]) -> str:
    files = {r.file for r in records}
    return files.pop() if len(files) == 1 else str(path)


def _records(file: Path):
    """Resources of one file: NDJSON lines, or a Bundle's entries, or one resource."""
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"is not UTF-8 (byte {exc.start}); FHIR JSON is always UTF-8",
                          file=str(file)) from None
    if file.suffix.lower() == ".ndjson":
        for no, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                yield from _unpack(_json(line, file, no), file, no)
        return
    yield from _unpack(_json(text, file, None), file, 1)


def _json(text: str, file: Path, line: int | None) -> dict:
    try:
        # Decimals keep the text they were written with (1.50 stays 1.50).
        value = json.loads(text, parse_float=str)
    except json.JSONDecodeError as exc:
        row = line if line is not None else exc.lineno
        raise SourceError(f"is not valid JSON ({exc.msg}, column {exc.colno}); the export is "
                          "damaged or truncated, export it again", file=str(file),
                          row=row) from None
    if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
        raise SourceError("is not a FHIR resource (a JSON object with resourceType)",
                          file=str(file), row=line)
    return value


def _unpack(resource: dict, file: Path, line: int):
    if resource["resourceType"] != "Bundle":
        yield Record(resource, str(file), line)
        return
    for no, entry in enumerate(resource.get("entry") or [], start=1):
        res = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(res, dict) and isinstance(res.get("resourceType"), str):
            yield Record({**res, "_fullUrl": entry.get("fullUrl", "")}, str(file), no)


class _Index:
    """Resources by type (first copy of each id) and by reference (Type/id, fullUrl)."""

    def __init__(self, data: SourceData):
        self.data = data
        self.by_type: dict[str, list[Record]] = {}
        self.by_ref: dict[str, dict] = {}

    def add(self, rec: Record) -> None:
        res = rec.resource
        full_url = res.pop("_fullUrl", "")
        key = f"{res['resourceType']}/{res['id']}" if isinstance(res.get("id"), str) else ""
        if key and key in self.by_ref:
            if self.by_ref[key] != res:
                self.data.findings.append(Finding(
                    "FHIRIN001", "warning", f"{key} occurs again with different content; the "
                    "first copy is used. Export one version of each resource",
                    file=rec.file, row=rec.line, value=key))
            return
        for ref in (key, full_url):
            if ref:
                self.by_ref[ref] = res
        self.by_type.setdefault(res["resourceType"], []).append(rec)

    def resolve(self, reference: dict) -> dict | None:
        ref = reference.get("reference")
        if not isinstance(ref, str):
            return None
        found = self.by_ref.get(ref)
        if found is None and "/" in ref:  # absolute URL of a server: keep Type/id
            found = self.by_ref.get("/".join(ref.rstrip("/").split("/")[-2:]))
        return found


def _frame(form, records: list[Record], index: _Index, timezone: str,
           data: SourceData) -> pd.DataFrame:
    paths = {name: parse(p) for name, p in form.paths.items()}
    rows = []
    for rec in records:
        row = {}
        for name, path in paths.items():
            values = [text_of(v) for v in evaluate(path, rec.resource, index.resolve)]
            values = [_local_time(v, timezone, rec, name, data) for v in values if v != ""]
            row[name] = "; ".join(dict.fromkeys(values))
        rows.append(row)
    df = pd.DataFrame(rows, columns=list(paths), dtype=object).fillna("")
    df[SRC_ROW] = range(1, len(df) + 1)
    df[SRC_FILE] = [Path(r.file).name for r in records]
    df[SRC_LINE] = [r.line for r in records]
    return df


def _local_time(value: str, timezone: str, rec: Record, column: str, data: SourceData) -> str:
    """A dateTime with an offset as local time of ``timezone`` (seconds only when not 0)."""
    if not _OFFSET_DATETIME.match(value):
        return value
    from cup2std.write.fhir.datatypes import sdtm_datetime
    if not timezone:
        data.findings.append(Finding(
            "FHIRIN002", "warning", "dateTime has a time-zone offset but the mapping gives no "
            "source.timezone; the clock time is kept as written. Set source.timezone (e.g. "
            "Europe/Berlin) to the zone SDTM times are collected in", file=rec.file,
            row=rec.line, column=column, value=value))
        return sdtm_datetime(value[:19], "")
    return sdtm_datetime(value, timezone)
