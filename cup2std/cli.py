"""Command line: parses arguments, calls the API, owns exit codes.

Exit codes: 0 clean, 1 rows rejected or error findings, 2 usage, spec or unreadable source.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections import Counter

from cup2std import __version__
from cup2std.errors import Cup2StdError

DESCRIPTION = """\
cup2std turns clinical registry exports into CDISC SDTM (XPT v5 + Define-XML 2.1) and HL7 FHIR R4.

  cup2std convert samples/isa_cup --out out
      reads the export (a folder of CSV files, an .xlsx workbook, an ODM .xml file or FHIR
      NDJSON/Bundles) through a mapping file and writes out/sdtm/*.xpt with define.xml,
      out/fhir/, out/conversion-log.json (every source row accounted for) and
      out/findings.json (every problem with file, row, column and value).
  cup2std validate out/sdtm            conformance, CT and CTCAE rules; a CI gate
  cup2std report out/sdtm --out rep    the program's tables and swimmer plot
  cup2std push out/fhir --server URL   send the FHIR bundles to a FHIR server
  cup2std synth --patients N --out D   a synthetic export for benchmarks

Exit codes: 0 clean, 1 rows rejected or error findings, 2 usage, mapping or source error.
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cup2std", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"cup2std {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    c = sub.add_parser("convert", help="registry export -> SDTM package",
                       description="Convert a registry export to an SDTMIG 3.4 package. The "
                       "mapping says where every value comes from; see docs/mapping-spec.md.")
    c.add_argument("source", help="folder of CSV files, an .xlsx workbook (one sheet per "
                   "form), a CDISC ODM 1.3 .xml file, or FHIR R4 NDJSON/Bundles (.ndjson, "
                   ".json or a folder of them; docs/fhir-source.md)")
    c.add_argument("--mapping", "-m", default=None,
                   help="mapping file (default: mappings/cup_registry.yaml, the reference layout; "
                   "mappings/fhir_r4.yaml for a FHIR source)")
    c.add_argument("--out", "-o", default="out", help="output folder (default: out)")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    c.add_argument("--pseudonymise", action="store_true",
                   help="replace subject ids by a keyed hash in every output; the key is read "
                   "from the environment variable CUP2STD_PSEUDONYM_KEY (>= 16 characters)")
    c.add_argument("--partition", type=int, default=None, metavar="N",
                   help="subjects per partition of the per-subject work (default 500)")
    c.add_argument("--jobs", "-j", type=int, default=None,
                   help="FHIR worker processes, which run beside validation and the SDTM "
                        "writing (default: cores, at most 2); 1: every stage in turn, in one "
                        "process")
    c.add_argument("--fhir-check", choices=["shapes", "all"], default=None,
                   help="FHIR model check: one per resource shape plus value checks of every "
                   "resource (default), or every resource through the R4B model (slow)")
    c.set_defaults(func=cmd_convert)
    _add_push_parser(sub)
    _add_synth_parser(sub)
    _add_report_parser(sub)
    _add_validate_parser(sub)
    return p


def _add_validate_parser(sub) -> None:
    """``cup2std validate PATH``: rules over an SDTM folder or a registry export; reports."""
    from cup2std.validate.command import add_arguments, cmd_validate
    v = sub.add_parser("validate", help="check an SDTM package or a registry export",
                       description="Check an SDTM package (folder of .xpt) or a registry export "
                       "(with --mapping) against SDTMIG 3.4, CDISC CT, ISO 8601, CTCAE v5.0 and "
                       "cross-domain rules. Exit codes: 0 clean, 1 open findings at or above "
                       "--fail-on, 2 usage error. See docs/validation.md.")
    add_arguments(v)
    v.set_defaults(func=cmd_validate)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except Cup2StdError as exc:
        print(f"cup2std: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("cup2std: interrupted; no partial output was published", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def cmd_convert(args) -> int:
    from cup2std.api import convert
    from cup2std.engine.pseudonym import key_from_env

    progress = None if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    key = key_from_env() if args.pseudonymise else None
    from cup2std import progress as bars
    bars.enable() if not args.quiet else bars.disable()
    result = convert(args.source, mapping=args.mapping, out=args.out, progress=progress,
                     pseudonym_key=key, subjects_per_partition=args.partition, jobs=args.jobs,
                     fhir_check=args.fhir_check)
    print(summary(result))
    return result.exit_code


def summary(result) -> str:
    """The one-screen summary: datasets, accounting, findings by rule, where the details are."""
    log = result.log
    lines = [f"cup2std {__version__}: {log['source']} -> {result.out}/sdtm (study {log['study']})",
             "", "datasets:"]
    lines += [f"  {name.lower():8s} {d['records']:6d} records  {d['variables']:3d} variables"
              for name, d in log["datasets"].items()]
    lines += ["", "source rows (read = in output + rejected):"]
    for form, a in log["sources"].items():
        ok = "ok" if a["reconciles"] else "DOES NOT RECONCILE"
        lines.append(f"  {form:20s} {a['rows_read']:6d} = {a['rows_in_output']:6d} + "
                     f"{a['rows_rejected']:4d}  {ok}")
    if log["missing_forms"]:
        lines.append(f"  not exported (optional): {', '.join(log['missing_forms'])}")
    f = log["findings"]
    lines += ["", f"findings: {f['error']} error(s), {f['warning']} warning(s), {f['info']} info"]
    by_rule = Counter((x.severity, x.rule) for x in result.hub.ledger.findings)
    for (sev, rid), n in sorted(by_rule.items()):
        lines.append(f"  {sev:7s} {rid:8s} x{n}")
    for x in [x for x in result.hub.ledger.findings if x.severity == "error"][:5]:
        lines.append("  " + x.render(redact=True))
    if log["rejects"]:
        lines.append(f"rejected: {len(log['rejects'])} record(s); see conversion-log.json")
    lines.append(f"transliterated for XPT: {len(log['transliterations'])} value(s)")
    lines.append(f"details: {result.out}/conversion-log.json, {result.out}/findings.json")
    return "\n".join(lines)


def _add_synth_parser(sub) -> None:
    """``cup2std synth``: a synthetic export in the reference layout (benchmarks, tests)."""
    s = sub.add_parser("synth", help="write a synthetic registry export of any size",
                       description="Write a synthetic export in the reference registry layout "
                       "(fictitious Isa-Pd patients: dosing cycles, CTCAE-graded AEs, partial "
                       "dates, discontinuations, deaths), deterministic by seed. It converts "
                       "with mappings/cup_registry.yaml.")
    s.add_argument("--patients", "-n", type=int, required=True, help="number of patients")
    s.add_argument("--out", "-o", required=True, help="folder for the CSV files")
    s.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    s.add_argument("--jobs", "-j", type=int, default=None, help="processes (default: up to 2)")

    def run(args) -> int:
        from cup2std.synth import write_synth
        if args.patients < 1:
            print("cup2std synth: --patients must be at least 1", file=sys.stderr)
            return 2
        counts = write_synth(args.patients, args.out, seed=args.seed, jobs=args.jobs)
        for form, n in counts.items():
            print(f"  {form + '.csv':<24}{n:>10} rows")
        return 0
    s.set_defaults(func=run)


def _add_push_parser(sub) -> None:
    """``cup2std push OUT/fhir --server URL``: deliver the FHIR bundles to a FHIR server."""
    p = sub.add_parser(
        "push", help="send OUT/fhir bundles to a FHIR server",
        description="Send the per-subject transaction Bundles written by convert to a FHIR R4 "
        "server. Retries 429/5xx/dropped connections (honouring Retry-After); a rejected "
        "bundle is reported with the server's OperationOutcome and the rest goes on; an "
        "interrupted push resumes (push-state.json). Exit 0 all accepted, 1 any rejected, "
        "2 usage. See docs/fhir.md.")
    p.add_argument("folder", help="OUT/fhir (or OUT/fhir/bundles) written by cup2std convert")
    p.add_argument("--server", required=True, help="FHIR base URL, e.g. https://host/fhir/R4")
    p.add_argument("--token-env", default=None, metavar="VAR",
                   help="environment variable holding a bearer token (never printed)")
    p.add_argument("--ca-bundle", default=None, help="CA certificates file for TLS verification")
    p.add_argument("--insecure", action="store_true",
                   help="do not verify TLS certificates (testing only)")
    p.add_argument("--restart", action="store_true",
                   help="send every bundle again instead of resuming after the last accepted")
    p.add_argument("--max-retries", type=int, default=5, help="retries per request (default 5)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress lines")

    def run(args) -> int:
        from cup2std.api import push

        def progress(n, total, r):
            if args.quiet:
                return
            state = "skipped (already sent)" if r.skipped else (
                "ok" if 200 <= r.status < 300 else f"REJECTED (HTTP {r.status or 'no answer'})")
            bar = "#" * (20 * n // total)
            print(f"  [{bar:20s}] {n}/{total} {r.file}: {state}", file=sys.stderr)

        say = None if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
        if args.insecure:
            print("cup2std: warning: TLS certificate verification is OFF (--insecure)",
                  file=sys.stderr)
        report = push(args.folder, args.server, token_env=args.token_env,
                      verify_tls=not args.insecure, ca_bundle=args.ca_bundle,
                      resume=not args.restart, max_retries=args.max_retries,
                      progress=progress, on_retry=say)
        print(f"cup2std push -> {report.server}")
        print(report.render())
        return 1 if report.failed else 0

    p.set_defaults(func=run)
def _add_report_parser(sub) -> None:
    """``cup2std report SDTM_DIR --out REPORT_DIR``: tables and swimmer plot from SDTM."""
    r = sub.add_parser("report", help="SDTM package -> tables (HTML, CSV) and swimmer plot",
                       description="Compute the baseline, TEAE and exposure tables and the "
                       "swimmer plot from an SDTM package (any writer), as far as its variables "
                       "allow; says what it could not compute and why. See docs/reports.md.")
    r.add_argument("sdtm_dir", help="folder of SDTM *.xpt files (cup2std output: OUT/sdtm)")
    r.add_argument("--out", "-o", default="report", help="output folder (default: report)")
    r.add_argument("--spec", "-s", default=None,
                   help="report spec YAML with study-level choices, e.g. "
                   "mappings/cup_registry.report.yaml (default: generic SDTM conventions)")
    r.add_argument("--encoding", default=None,
                   help="text encoding of the XPT files (default: UTF-8, else Windows-1252)")
    r.add_argument("--fail-on-skip", action="store_true",
                   help="exit 1 when any table, row or column could not be computed")

    def run(args) -> int:
        from cup2std.api import report

        result = report(args.sdtm_dir, out=args.out, spec=args.spec, encoding=args.encoding)
        print(f"cup2std report: {args.sdtm_dir} -> {args.out}/report.html "
              f"(N = {result.ctx.n} {result.ctx.population})")
        for t in result.tables:
            print(f"  {t.key:18s} {len(t.rows):4d} rows")
        if result.swimmer is not None:
            print(f"  {'figure1_swimmer':18s} {len(result.swimmer.lanes):4d} patients (png, svg)")
        for line in result.partial + result.ctx.notes:
            print(f"  not computed: {line}" if "not computed" in line or "skipped" in line
                  else f"  note: {line}")
        return 1 if (args.fail_on_skip and result.partial) else 0

    r.set_defaults(func=run)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
