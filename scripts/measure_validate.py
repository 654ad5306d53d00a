"""Measure ``cup2std validate`` speed: start-up apart from the validation itself.

    python scripts/measure_validate.py [runs]

start-up = Python imports + loading the standards (SDTMIG, CT, CTCAE), paid once per process;
then each run validates the sample export (read + map + rules) and its converted SDTM package
(read XPT + rules); the median of the runs is printed.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
t0 = time.perf_counter()
from cup2std.api import convert  # noqa: E402
from cup2std.standards import load_ct, load_ctcae, load_sdtmig  # noqa: E402
from cup2std.validate.ctcae_suggest import load_synonyms  # noqa: E402
from cup2std.validate.runner import validate_path  # noqa: E402

load_sdtmig(), load_ct(), load_ctcae(), load_synonyms()
startup = time.perf_counter() - t0


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(runs: int = 5) -> None:
    sample, mapping = ROOT / "samples" / "isa_cup", ROOT / "mappings" / "cup_registry.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        convert(sample, mapping, out=tmp)
        package = Path(tmp) / "sdtm"
        validate_path(sample, mapping)  # warm caches of the first call
        reg = [timed(lambda: validate_path(sample, mapping)) for _ in range(runs)]
        pkg = [timed(lambda: validate_path(package)) for _ in range(runs)]
        rules = validate_path(sample, mapping).timings["rules"]
    print(f"start-up (imports + standards):         {startup:.3f} s")
    print(f"validate sample export (read+map+rules): {statistics.median(reg):.3f} s "
          f"(median of {runs}; rules alone {rules:.3f} s)")
    print(f"validate sample SDTM package (XPT):      {statistics.median(pkg):.3f} s "
          f"(median of {runs})")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
