"""Command line: parses arguments, calls the API, owns exit codes.

Exit codes: 0 clean, 1 rows rejected or error findings, 2 usage, spec or unreadable source.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from cup2std import __version__
from cup2std.errors import Cup2StdError

DESCRIPTION = """\
cup2std turns clinical registry exports into CDISC SDTM (SAS XPORT v5).

  cup2std convert samples/isa_cup --out out
      reads the export (a folder of CSV files or an .xlsx workbook) through a mapping file,
      writes out/sdtm/*.xpt, out/conversion-log.json (every source row accounted for) and
      out/findings.json (every problem with file, row, column and value).

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
                   "form) or a CDISC ODM 1.3 .xml file")
    c.add_argument("--mapping", "-m", default=None,
                   help="mapping file (default: mappings/cup_registry.yaml, the reference layout)")
    c.add_argument("--out", "-o", default="out", help="output folder (default: out)")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress lines")
    c.set_defaults(func=cmd_convert)
    return p


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


def cmd_convert(args) -> int:
    from cup2std.api import convert

    progress = None if args.quiet else (lambda m: print(f"  {m}", file=sys.stderr))
    result = convert(args.source, mapping=args.mapping, out=args.out, progress=progress)
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
        lines.append("  " + x.render())
    if log["rejects"]:
        lines.append(f"rejected: {len(log['rejects'])} record(s); see conversion-log.json")
    lines.append(f"transliterated for XPT: {len(log['transliterations'])} value(s)")
    lines.append(f"details: {result.out}/conversion-log.json, {result.out}/findings.json")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
