"""Reports from an SDTM package: baseline, TEAE, exposure tables and a swimmer plot.

``build_report`` reads any SDTM package (XPT) and computes what its variables allow;
``write_report`` writes one HTML page, a formula-safe CSV per table, the figure as PNG + SVG.
Study-level choices live in a report spec (see :mod:`cup2std.report.spec`, docs/reports.md).
"""
from cup2std.report.run import Report, build_report, write_report

__all__ = ["Report", "build_report", "write_report"]
