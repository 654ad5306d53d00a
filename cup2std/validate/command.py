"""The ``cup2std validate`` command: arguments in, summary and reports out, exit code back.

>>> from argparse import Namespace
>>> cmd_validate(Namespace(list_rules=True, path=None))   # doctest: +ELLIPSIS
rule     severity theme     description
...
0
"""
from __future__ import annotations

import sys
import time

from cup2std import __version__
from cup2std.errors import UsageError


def add_arguments(p) -> None:
    """The options of ``cup2std validate`` (kept beside the command)."""
    p.add_argument("path", nargs="?", help="SDTM folder of .xpt files, or a registry export "
                   "(folder of CSV files or .xlsx) read through --mapping")
    p.add_argument("--mapping", "-m", default=None, help="mapping file for a registry export "
                   "(default: mappings/cup_registry.yaml); forces registry mode")
    p.add_argument("--fail-on", choices=("error", "warning", "info"), default="error",
                   help="exit 1 when an open finding is at or above this severity "
                   "(default: error)")
    p.add_argument("--review", default=None, help="YAML review file accepting findings with "
                   "a justification (see docs/validation.md)")
    p.add_argument("--cutoff", default=None, help="data cut-off date (ISO 8601) when TS has "
                   "no DCUTDTC; dates after it are errors (DT004)")
    p.add_argument("--teae-window", type=int, default=None, help="days after the last dose "
                   "that still count as treatment-emergent (TEAE001); from the mapping in "
                   "registry mode")
    p.add_argument("--out", "-o", default=None, help="write findings.json, "
                   "validation-report.html and validation-junit.xml into this folder")
    p.add_argument("--json", default=None, help="write the JSON report here")
    p.add_argument("--html", default=None, help="write the HTML report here")
    p.add_argument("--junit", default=None, help="write the JUnit XML report here")
    p.add_argument("--rules", default=None, help="comma-separated rule ids to run (default: "
                   "all)")
    p.add_argument("--list-rules", action="store_true", help="print the rule catalogue and "
                   "exit")
    p.add_argument("--quiet", "-q", action="store_true", help="only the verdict line")


def list_rules() -> str:
    from cup2std.validate.rules import catalogue
    lines = [f"{'rule':8s} {'severity':8s} {'theme':9s} description"]
    lines += [f"{r.id:8s} {r.severity:8s} {r.theme:9s} {r.description}" for r in catalogue()]
    return "\n".join(lines)


def cmd_validate(args) -> int:
    if args.list_rules:
        print(list_rules())
        return 0
    if not args.path:
        raise UsageError("give the folder or file to validate (or --list-rules)")
    from cup2std.validate.report_files import report_paths, write_reports
    from cup2std.validate.report_text import summary
    from cup2std.validate.runner import validate_path

    start = time.perf_counter()
    only = [r.strip() for r in args.rules.split(",") if r.strip()] if args.rules else None
    result = validate_path(args.path, args.mapping, cutoff=args.cutoff, review=args.review,
                           fail_on=args.fail_on, only=only, teae_window=args.teae_window)
    paths = report_paths(args.out, json=args.json, html=args.html, junit=args.junit)
    what = "SDTM package" if result.kind == "sdtm" else "registry export"
    title = f"cup2std {__version__} validate: {result.path} ({what})"
    sub = (f"{len(result.datasets)} datasets, {sum(result.datasets.values())} records; "
           f"fail on {args.fail_on}")
    written = write_reports(paths, result.findings, title=title, subtitle=sub,
                            fail_on=args.fail_on, time_s=time.perf_counter() - start)
    text = summary(result.findings, title=f"{title}\n  {sub}", fail_on=args.fail_on,
                   exit_code=result.exit_code, stale=result.stale_review,
                   details=list(written.values()))
    print(text.splitlines()[-1] if args.quiet else text)
    print(f"  validated in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return result.exit_code
