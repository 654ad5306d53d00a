"""Benchmark ``cup2std convert`` at registry scale and write benchmarks/results.md.

For each size N (default 1,000, 10,000 and 100,000 patients) a synthetic export is generated
once (``cup2std synth``, seed 1, in /tmp/cup2std-bench/) and converted with every output
(SDTM XPT, define.xml, FHIR NDJSON and bundles, validation reports). Measured from outside,
per run: wall time, CPU time (user + system of the process and its workers) and peak memory of
the largest single process (from ``wait4``). One more run of each size is sampled from /proc
every 0.1 s for the sums over the process tree of RSS, which counts pages shared by the forked
workers once per process, and of PSS, which shares them out, so that it is the memory the run
really occupies; the timed runs are not sampled, because reading /proc/PID/smaps_rollup walks
the page tables of the processes it watches and so slows them (results.md gives the sampled
run's wall time beside the others). The FHIR
workers run beside validation and the SDTM writing, so those stages share the cores; the stage
times are therefore taken from a second run with ``--jobs 1`` (every stage in turn, one
process), which is also what the SDTM part is compared with the floor on. In the same run the
floor (benchmarks/floor.py: pandas reads the CSVs, pyreadstat writes the XPT files) is timed
the same way.

    python benchmarks/run.py                    # 1,000 / 10,000 / 100,000 patients
    python benchmarks/run.py --sizes 1000 10000 --repeat 3
    python benchmarks/run.py --repeat 3 --repeat-up-to 10000   # median of 3 below 100,000
    python benchmarks/run.py --sizes 10000 --no-sequential   # skip the --jobs 1 run
"""
from __future__ import annotations

import argparse
import json
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path("/tmp/cup2std-bench")
GOALS = {10_000: (20.0, 1.5), 100_000: (240.0, 4.0)}   # seconds, GB


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _pss(pid: int) -> int:
    """Shared pages divided among the processes that share them."""
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("Pss:"))


def tree_sum(pid: int, measure_one) -> int:
    """``measure_one`` in bytes summed over a process and all its descendants (Linux /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += measure_one(p)
            with open(f"/proc/{p}/task/{p}/children") as fh:
                todo += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, ValueError, StopIteration,
                PermissionError):
            continue
    return total


def measure(cmd: list[str], sample: bool = False) -> dict:
    """Run ``cmd``; wall, cpu, peak RSS of the largest process, stdout; with ``sample`` also
    the peaks of RSS and PSS summed over the process tree (sampling slows the run)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak_tree, peak_pss = [0], [0]
    stop = threading.Event()

    def sample_tree():
        while not stop.is_set():
            peak_tree[0] = max(peak_tree[0], tree_sum(proc.pid, _rss))
            peak_pss[0] = max(peak_pss[0], tree_sum(proc.pid, _pss))
            stop.wait(0.1)
    if sample:
        threading.Thread(target=sample_tree, daemon=True).start()
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    stop.set()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak": usage.ru_maxrss * 1024, "peak_tree": peak_tree[0], "peak_pss": peak_pss[0],
            "exit": proc.returncode, "stdout": out.decode("utf-8", "replace")}


def synth(n: int) -> Path:
    """The synthetic export of size n, made again when the generator's code changed."""
    folder = WORK / f"synth-{n}"
    stamp = folder / ".generator"
    code = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(
        (Path(__file__).resolve().parents[1] / "cup2std" / "synth").glob("*.py")))).hexdigest()
    if not (folder / "patients.csv").exists() or not stamp.exists() or \
            stamp.read_text() != code:
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "cup2std.cli", "synth", "--patients", str(n),
                        "--out", str(folder), "--seed", "1"], check=True,
                       stdout=subprocess.DEVNULL)
        stamp.write_text(code)
    return folder


def _clear(folder: Path) -> None:
    """Remove a previous run's output and flush the disk before the next timed run, so that
    no run pays for writing back the one before it (1.7 GB of output at 10,000 patients)."""
    shutil.rmtree(folder, ignore_errors=True)
    os.sync()


def run_size(n: int, repeat: int, sequential: bool = True) -> dict:
    src = synth(n)
    out, floor_out = WORK / f"out-{n}", WORK / f"floor-{n}"
    runs, floors = [], []
    for _ in range(repeat):
        _clear(out)
        r = measure([sys.executable, "-m", "cup2std.cli", "convert", str(src), "--out", str(out),
                     "--quiet"])
        log = json.loads((out / "conversion-log.json").read_text())
        r["stages"] = log["timings_seconds"]
        r["log"] = log
        runs.append(r)
        _clear(floor_out)
        f = measure([sys.executable, str(HERE / "floor.py"), str(src), str(floor_out)])
        f["inside"] = json.loads(f["stdout"].strip().splitlines()[-1])["seconds"]
        floors.append(f)
    best = sorted(runs, key=lambda r: r["wall"])[len(runs) // 2]
    floor = sorted(floors, key=lambda r: r["wall"])[len(floors) // 2]
    _clear(out)   # the memory of the process tree, from a run of its own
    sampled = measure([sys.executable, "-m", "cup2std.cli", "convert", str(src), "--out",
                       str(out), "--quiet"], sample=True)
    best.update(peak_tree=sampled["peak_tree"], peak_pss=sampled["peak_pss"],
                sampled_wall=sampled["wall"])
    log = best["log"]
    seq = None
    if sequential:   # stage times without the FHIR workers beside them
        _clear(out)
        seq = measure([sys.executable, "-m", "cup2std.cli", "convert", str(src), "--out",
                       str(out), "--quiet", "--jobs", "1"])
        seq["stages"] = json.loads((out / "conversion-log.json").read_text())["timings_seconds"]
    return {"n": n, "run": best, "floor": floor, "repeat": repeat, "sequential": seq,
            "walls": sorted(round(r["wall"], 1) for r in runs),
            "rows": log["sources"], "outputs": log.get("outputs", {}),
            "findings": log["findings"]}


def stage_times(r: dict) -> dict:
    """Stage times of the one-process run when there is one (see the module doc)."""
    return (r.get("sequential") or r["run"])["stages"]


def sdtm_seconds(stages: dict) -> float:
    return sum(stages.get(k, 0.0) for k in ("read", "map", "validate", "write_xpt"))


def machine() -> str:
    cpu = ""
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import pandas
    return (f"{cpu or platform.processor()}, {os.cpu_count()} cores, {mem:.0f} GiB; "
            f"{platform.system()} {platform.release()}; Python {platform.python_version()}, "
            f"pandas {pandas.__version__}")


def gb(b: float) -> str:
    return f"{b / 2**30:.2f}"


def render(results: list[dict]) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# cup2std at registry scale", "",
        f"Measured {now} by `python benchmarks/run.py` on: {machine()}.", "",
        "Input: `cup2std synth --patients N --seed 1` (reference layout). Output: everything "
        "`cup2std convert` writes (SDTM XPT, define.xml, FHIR NDJSON and bundles, validation "
        "findings and reports), default options (2 FHIR worker processes beside the parent); "
        "with several runs of a size, the median run is shown and *runs (walls)* lists all. "
        "Times in seconds; memory in GiB: *peak* is the largest single process (`wait4` "
        "maxrss) of the timed runs; *tree RSS* and *tree PSS* come from one more run, sampled "
        "from /proc every 0.1 s (sampling takes CPU from the run it watches, so the timed runs "
        "are not sampled): the sum of RSS over the process and its workers (pages shared after "
        "the fork counted in each) and the sum of PSS (shared pages divided among the sharers: "
        "the memory the run occupies). The goals' GB are 10^9 bytes. Floor: benchmarks/floor.py "
        "(pandas reads the CSVs, pyreadstat writes XPT), timed in the same run. *SDTM part* = "
        "read + map + validate + write_xpt stages of the one-process run (`--jobs 1`, where the "
        "stages do not share the cores with the FHIR workers); the ratio compares it with the "
        "floor's time after its imports.", "",
        "| patients | AEs | EX rows | FHIR resources | runs (walls) | wall | CPU | peak | tree RSS | "
        "tree PSS | wall --jobs 1 | floor wall | floor peak | SDTM part | SDTM / floor |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        run, floor = r["run"], r["floor"]
        res = sum(r["outputs"].get("fhir", {}).get("resources", {}).values())
        sdtm = sdtm_seconds(stage_times(r))
        seq = r.get("sequential")
        seq_wall = f"{seq['wall']:.1f}" if seq else "-"
        lines.append(
            f"| {r['n']:,} | {r['rows']['adverse_events']['rows_read']:,} | "
            f"{r['rows']['administrations']['rows_read']:,} | {res:,} | "
            f"{len(r.get('walls', [1]))} ({', '.join(map(str, r.get('walls', [])))}) | "
            f"{run['wall']:.1f} | "
            f"{run['cpu']:.1f} | {gb(run['peak'])} | {gb(run['peak_tree'])} | "
            f"{gb(run.get('peak_pss', 0))} | {seq_wall} | "
            f"{floor['wall']:.1f} | {gb(floor['peak'])} | {sdtm:.1f} | "
            f"{sdtm / max(floor['inside'], 1e-9):.1f}x |")
    last = stage_times(results[-1])
    stages = sorted({k for r in results for k in stage_times(r)},
                    key=lambda k: list(last).index(k) if k in last else 99)
    lines += ["", "Stages (seconds, from conversion-log.json `timings_seconds` of the "
              "`--jobs 1` run when there is one):", "",
              "| patients | " + " | ".join(stages) + " |",
              "|---:|" + "---:|" * len(stages)]
    for r in results:
        lines.append(f"| {r['n']:,} | " + " | ".join(
            f"{stage_times(r).get(k, 0):.1f}" for k in stages) + " |")
    lines += ["", "Goals (2 cores): 10,000 patients <= 20 s and <= 1.5 GB; 100,000 <= 240 s and "
              "<= 4 GB; SDTM part within 3x of the floor.", ""]
    for r in results:
        n, run = r["n"], r["run"]
        verdict = []
        if n in GOALS:
            t, m = GOALS[n]
            verdict.append(f"time {'met' if run['wall'] <= t else 'NOT met'} "
                           f"({run['wall']:.1f} s vs {t:.0f} s)")
            pss = run.get("peak_pss") or run["peak_tree"]
            verdict.append(f"memory {'met' if pss <= m * 1e9 else 'NOT met'} "
                           f"(tree PSS {gb(pss)} GiB = {pss / 1e9:.2f} GB, largest process "
                           f"{gb(run['peak'])} GiB, vs {m} GB; the sampled run took "
                           f"{run.get('sampled_wall', 0):.1f} s)")
        ratio = sdtm_seconds(stage_times(r)) / max(r["floor"]["inside"], 1e-9)
        verdict.append(f"SDTM/floor {ratio:.1f}x ({'met' if ratio <= 3 else 'NOT met'})")
        verdict.append(f"findings {r['findings']}, exit {run['exit']}")
        lines.append(f"- {n:,} patients: " + "; ".join(verdict))
    if len(results) > 1:
        per = [r["run"]["wall"] / r["n"] * 1000 for r in results]
        lines.append("- time per 1,000 patients: " + ", ".join(
            f"{p:.2f} s ({r['n']:,})" for p, r in zip(per, results)))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    ap.add_argument("--repeat", type=int, default=1, help="runs per size (the median is shown)")
    ap.add_argument("--repeat-up-to", type=int, default=0, metavar="N",
                    help="repeat only sizes up to N patients (larger sizes run once)")
    ap.add_argument("--out", default=str(HERE / "results.md"))
    ap.add_argument("--no-sequential", action="store_true",
                    help="skip the --jobs 1 run that gives clean stage times")
    args = ap.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.sizes:
        print(f"{n:,} patients ...", file=sys.stderr, flush=True)
        repeat = args.repeat if not args.repeat_up_to or n <= args.repeat_up_to else 1
        results.append(run_size(n, repeat, not args.no_sequential))
        shutil.rmtree(WORK / f"out-{n}", ignore_errors=True)
        for r in results:
            r["run"].pop("log", None)
        (WORK / "results.json").write_text(json.dumps(results, indent=1))
    text = render(results)
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
