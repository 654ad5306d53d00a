"""The command line: help, exit codes 0/1/2, one-screen summary, messages without tracebacks."""
import subprocess
import sys

import pandas as pd

from cup2std.cli import main


def test_help_says_enough(capsys):
    try:
        main(["--help"])
    except SystemExit:
        pass
    text = capsys.readouterr().out
    assert "convert" in text and "Exit codes" in text
    try:
        main(["convert", "--help"])
    except SystemExit:
        pass
    text = capsys.readouterr().out
    assert "--mapping" in text and "--out" in text and ".xlsx" in text


def test_convert_sample_exit_0_and_summary(sample_dir, mapping_path, tmp_path, capsys):
    code = main(["convert", str(sample_dir), "--mapping", str(mapping_path), "--out",
                 str(tmp_path), "-q"])
    out = capsys.readouterr().out
    assert code == 0
    assert "ae           29 records" in out and "adverse_events" in out and "ok" in out
    assert (tmp_path / "sdtm" / "dm.xpt").exists()


def test_spec_error_exit_2_names_file_and_line(sample_dir, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("mapping_version: 1\nstudy: {STUDYID: X}\nsource: {subject: id, forms: "
                   "{p: {file: p.csv, subjects: true}}}\ndomains:\n  DM:\n    from: p\n"
                   "    variables: {SEXX: {assign: s}}\n")
    code = main(["convert", str(sample_dir), "--mapping", str(bad), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and f"{bad}:7" in err and "Did you mean 'SEX'?" in err
    assert "Traceback" not in err and not (tmp_path / "o").exists()


def test_rejects_exit_1(sample_copy, mapping_path, tmp_path, capsys):
    p = sample_copy / "adverse_events.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[0, "patient_id"] = "999-999"
    df.to_csv(p, index=False)
    code = main(["convert", str(sample_copy), "-m", str(mapping_path), "-o", str(tmp_path), "-q"])
    assert code == 1 and "rejected: 1 record(s)" in capsys.readouterr().out


def test_usage_error_exit_2(tmp_path, capsys):
    assert main(["convert", str(tmp_path / "nope"), "-o", str(tmp_path / "o")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_module_entry_point_runs():
    res = subprocess.run([sys.executable, "-m", "cup2std", "--version"], capture_output=True,
                         text=True)
    assert res.returncode == 0 and res.stdout.startswith("cup2std ")
