"""Measure the ODM reader on a synthetic export: file size, time, peak memory.

    python scripts/measure_odm.py [SUBJECTS] [AES_PER_SUBJECT]

Writes a snapshot with SUBJECTS subjects, each with a demography group and an AE log of
AES_PER_SUBJECT repeats (10 items each), reads the AE log with the streaming reader in a
child process, then parses the whole tree (lxml.etree.parse) in another for comparison.
"""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ITEMS = [f"IT.AE.I{i}" for i in range(10)]


def write_export(path: Path, subjects: int, aes: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n<ODM xmlns="http://www.cdisc.org/ns/'
                 'odm/v1.3" FileType="Snapshot"><Study OID="S"><MetaDataVersion OID="M">'
                 '<ItemGroupDef OID="IG.AE" Name="AE" Repeating="Yes">'
                 + "".join(f'<ItemRef ItemOID="{i}"/>' for i in ITEMS) + "</ItemGroupDef>"
                 + "".join(f'<ItemDef OID="{i}" Name="{i}" DataType="text"/>' for i in ITEMS)
                 + '</MetaDataVersion></Study><ClinicalData StudyOID="S" MetaDataVersionOID="M">\n')
        for s in range(subjects):
            fh.write(f'<SubjectData SubjectKey="S{s:06d}"><StudyEventData StudyEventOID="SE">'
                     '<FormData FormOID="F.AE">\n')
            for a in range(1, aes + 1):
                fh.write(f' <ItemGroupData ItemGroupOID="IG.AE" ItemGroupRepeatKey="{a}">'
                         + "".join(f'<ItemData ItemOID="{i}" Value="value {a} {i}"/>'
                                   for i in ITEMS) + "</ItemGroupData>\n")
            fh.write("</FormData></StudyEventData></SubjectData>\n")
        fh.write("</ClinicalData></ODM>\n")


CHILD_STREAM = """
import sys, time, resource
from pathlib import Path
from cup2std.readers import read_source
from cup2std.spec.model import FormSpec, SourceSpec
src = SourceSpec(subject="SubjectKey")
src.forms["ae"] = FormSpec(name="ae", file="", sheet="ae", item_group="IG.AE", subjects=True)
t = time.perf_counter()
data = read_source(Path(sys.argv[1]), src)
print(len(data.forms["ae"]), round(time.perf_counter() - t, 2),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""
CHILD_TREE = """
import sys, time, resource
from lxml import etree
t = time.perf_counter()
tree = etree.parse(sys.argv[1])
n = len(tree.getroot().findall(".//{http://www.cdisc.org/ns/odm/v1.3}ItemGroupData"))
print(n, round(time.perf_counter() - t, 2),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""
BASELINE = """
import resource, pandas, lxml.etree, cup2std.readers
print(0, 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def child(code: str, path: Path) -> list[str]:
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, check=True)
    return out.stdout.split()


def main() -> None:
    subjects = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    aes = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.xml"
        write_export(path, subjects, aes)
        size = path.stat().st_size / 2**20
        print(f"export: {subjects} subjects x {aes} AEs, {size:.0f} MiB")
        base = child(BASELINE, path)[2]
        rows, secs, rss = child(CHILD_STREAM, path)
        print(f"streaming reader: {rows} rows in {secs} s, peak RSS {rss} MiB "
              f"(interpreter + imports alone: {base} MiB)")
        rows, secs, rss = child(CHILD_TREE, path)
        print(f"whole-tree parse (for comparison, no frames): {rows} groups in {secs} s, "
              f"peak RSS {rss} MiB")


if __name__ == "__main__":
    main()
