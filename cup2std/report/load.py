"""Read an SDTM package (a folder of XPT files, any writer) for reporting.

Text is decoded as UTF-8, or Windows-1252 when a file is not valid UTF-8 (SAS-written packages
often are); supplemental qualifiers are joined onto their parent domain as plain columns
(``AE["AETRTEM"]``), so that a report reads one frame per domain.

>>> pkg = load_package("out/sdtm")                       # doctest: +SKIP
>>> pkg.domain("AE")[["AEDECOD", "AETRTEM"]].head(1)     # doctest: +SKIP
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyreadstat

from cup2std.errors import SourceError, UsageError

ENCODINGS = ("utf-8", "cp1252")


@dataclass
class Package:
    folder: Path
    frames: dict[str, pd.DataFrame]
    encodings: dict[str, str] = field(default_factory=dict)
    supp_labels: dict[tuple[str, str], str] = field(default_factory=dict)
    _joined: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def domain(self, name: str) -> pd.DataFrame:
        """The domain with its SUPP-- qualifiers as columns; empty frame when absent."""
        name = name.upper()
        if name not in self._joined:
            base = self.frames.get(name, pd.DataFrame())
            supp = self.frames.get(f"SUPP{name}")
            self._joined[name] = join_supp(base, supp) if supp is not None else base.copy()
            if supp is not None and "QLABEL" in supp:
                for q, lab in zip(supp["QNAM"], supp["QLABEL"]):
                    self.supp_labels[(name, q)] = lab
        return self._joined[name]

    def missing(self, name: str, variables) -> list[str]:
        """``DOMAIN.VAR`` for each variable the domain (with SUPP) lacks or leaves empty."""
        df = self.domain(name)
        if name not in self.frames:
            return [f"{name} (no {name.lower()}.xpt in the package)"]
        return [f"{name}.{v}" for v in variables
                if v not in df or not present(df[v]).any()]


def present(values: pd.Series) -> pd.Series:
    """True where a value was collected (not NaN, not blank text).

    >>> present(pd.Series(["a", " ", None, 1.0])).tolist()
    [True, False, False, True]
    """
    text = values.astype("string").str.strip()
    return values.notna() & text.notna() & (text != "")


def load_package(folder: str | Path, encoding: str | None = None) -> Package:
    """Read every ``*.xpt`` in ``folder`` (dataset name = file stem, upper case)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise UsageError(f"{folder}: not a folder; pass the folder holding the SDTM *.xpt "
                         "files (for cup2std output: OUT/sdtm)")
    files = sorted(folder.glob("*.xpt")) + sorted(folder.glob("*.XPT"))
    if not files:
        raise UsageError(f"{folder}: no *.xpt files found; pass the SDTM dataset folder")
    pkg = Package(folder, {})
    for path in files:
        df, used = read_xpt(path, encoding)
        pkg.frames[path.stem.upper()] = df
        pkg.encodings[path.stem.upper()] = used
    return pkg


def read_xpt(path: Path, encoding: str | None = None) -> tuple[pd.DataFrame, str]:
    """One XPT file as a frame with stripped text; returns (frame, encoding used)."""
    errors = []
    for enc in [encoding] if encoding else ENCODINGS:
        try:
            df, _meta = pyreadstat.read_xport(str(path), encoding=enc)
        except Exception as exc:  # pyreadstat raises several types for bad bytes
            errors.append(f"{enc}: {exc}")
            continue
        for col in df.columns:
            if df[col].dtype == object:
                df[col] = df[col].fillna("").astype(str).str.strip()
        return df, enc
    raise SourceError("cannot read as SAS XPORT (" + "; ".join(errors) + "). Check that it is "
                      "an XPT v5/v8 file; pass --encoding if its text is neither UTF-8 nor "
                      "Windows-1252", file=str(path))


def join_supp(parent: pd.DataFrame, supp: pd.DataFrame) -> pd.DataFrame:
    """Parent records with one column per QNAM, matched on USUBJID (+ IDVAR = IDVARVAL).

    >>> ae = pd.DataFrame({"USUBJID": ["1", "1"], "AESEQ": [1.0, 2.0]})
    >>> supp = pd.DataFrame({"USUBJID": ["1"], "IDVAR": ["AESEQ"], "IDVARVAL": ["2"],
    ...                      "QNAM": ["AETRTEM"], "QVAL": ["Y"]})
    >>> join_supp(ae, supp)["AETRTEM"].tolist()
    ['', 'Y']
    """
    out = parent.copy()
    if supp.empty or "QNAM" not in supp:
        return out
    supp = supp.assign(IDVAR=supp.get("IDVAR", pd.Series("", index=supp.index)).fillna(""),
                       IDVARVAL=supp.get("IDVARVAL", pd.Series("", index=supp.index))
                       .fillna("").astype(str).map(_key))
    for idvar, part in supp.groupby("IDVAR", sort=False):
        wide = part.pivot_table(index=["USUBJID", "IDVARVAL"], columns="QNAM", values="QVAL",
                                aggfunc="first").reset_index()
        wide = wide[[c for c in wide.columns if c not in out.columns or c in
                     ("USUBJID",)]]
        if idvar:
            if idvar not in out:
                continue
            keys = out[idvar].map(_key)
            wide = wide.rename(columns={"IDVARVAL": "_KEY"})
            out = out.assign(_KEY=keys).merge(wide, on=["USUBJID", "_KEY"], how="left")
            out = out.drop(columns="_KEY")
        else:
            out = out.merge(wide.drop(columns="IDVARVAL"), on="USUBJID", how="left")
    for q in supp["QNAM"].unique():
        if q in out:
            out[q] = out[q].astype(object).where(out[q].notna(), "")
    return out


def _key(value) -> str:
    """IDVARVAL and the parent's value compared as text: 1.0 and '1' are the same key."""
    text = str(value).strip()
    try:
        num = float(text)
    except ValueError:
        return text
    return str(int(num)) if num.is_integer() else text
