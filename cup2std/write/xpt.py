"""SAS XPORT v5 files as FDA asks: names <= 8, labels <= 40, text <= 200 bytes, ASCII.

Written as a chain of small steps over the hub's SDTM frames (after xportr): split long text,
transliterate, check, write atomically.
"""
from __future__ import annotations

import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cup2std.engine.supp import SUPP_COLUMNS
from cup2std.standards import load_sdtmig
from cup2std.standards.sdtmig import DOMAIN_LABELS
from cup2std.write.ascii import ascii_frame
from cup2std.write.text import is_printable_ascii, lengths, max_length, text_list
from cup2std.write.xport5 import write_xport5

MAX_TEXT = 200


@dataclass
class XptDataset:
    name: str
    label: str
    frame: pd.DataFrame
    labels: list[str]
    widths: list[int] | None = None   # bytes per variable, set by xpt_widths on first use


def split_long_text(frames: dict[str, pd.DataFrame]) -> list[dict]:
    """Text past 200 characters: first 200 stay, the rest goes to SUPP-- as VAR1, VAR2 ...

    SDTMIG 3.4 section 4.5.3.2. Splits at a blank where one is near the limit.
    """
    notes = []
    for name in [n for n in frames if not n.startswith("SUPP")]:
        df = frames[name]
        seq = f"{name}SEQ"
        extra = []
        for col in [c for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])]:
            texts = text_list(df[col])
            if max_length(texts) <= MAX_TEXT:
                continue
            for idx in df.index[lengths(texts) > MAX_TEXT]:
                chunks = _chunks(df.at[idx, col])
                df.at[idx, col] = chunks[0]
                for i, chunk in enumerate(chunks[1:], 1):
                    qnam = f"{col[:7]}{i}" if len(col) >= 8 else f"{col}{i}"
                    extra.append({"STUDYID": df.at[idx, "STUDYID"], "RDOMAIN": name,
                                  "USUBJID": df.at[idx, "USUBJID"],
                                  "IDVAR": seq if name != "DM" else "",
                                  "IDVARVAL": str(int(df.at[idx, seq])) if seq in df else "",
                                  "QNAM": qnam[:8], "QLABEL": f"{col} continued ({i})",
                                  "QVAL": chunk, "QORIG": "CRF", "QEVAL": ""})
                notes.append({"dataset": name, "variable": col, "record": int(idx) + 1,
                              "split_into": len(chunks)})
        if extra:
            supp = frames.get(f"SUPP{name}", pd.DataFrame(columns=SUPP_COLUMNS))
            frames[f"SUPP{name}"] = pd.concat([supp, pd.DataFrame(extra)], ignore_index=True)
    return notes


def _chunks(text: str) -> list[str]:
    out = []
    while len(text) > MAX_TEXT:
        cut = text.rfind(" ", MAX_TEXT - 40, MAX_TEXT)
        cut = cut if cut > 0 else MAX_TEXT
        out.append(text[:cut])
        text = text[cut:]
    return out + [text]


def prepare_dataset(name: str, frame: pd.DataFrame) -> tuple[XptDataset, list[dict]]:
    """ASCII copy with SDTMIG labels; returns the transliterations made."""
    ig = load_sdtmig()
    meta = ig["SUPPQUAL"] if name.startswith("SUPP") else ig[name]
    df, changes = ascii_frame(frame, name)
    labels = [meta[c].label if c in meta else c for c in df.columns]
    label = (f"Supplemental Qualifiers for {name[4:]}" if name.startswith("SUPP")
             else DOMAIN_LABELS.get(name, name))
    return XptDataset(name, label[:40], df, labels), changes


def check_dataset(ds: XptDataset) -> list[str]:
    """XPT v5 limits; each problem as a sentence. Empty list = writable.

    >>> ds = XptDataset("AE", "Adverse Events", pd.DataFrame({"AETERM": ["Übelkeit"]}),
    ...                 ["Reported Term"])
    >>> check_dataset(ds)
    ['AE.AETERM: 1 value(s) not ASCII (first: row 1)']
    """
    problems = []
    if len(ds.name) > 8:
        problems.append(f"dataset name {ds.name} is longer than 8 characters")
    for text, what in [(ds.name, "dataset name"), (ds.label, "dataset label")]:
        if not text.isascii():
            problems.append(f"{ds.name}: {what} '{text}' is not ASCII")
    # The widths come from the same pass over the text (when xpt_widths has not run yet).
    widths = []
    for i, (col, label) in enumerate(zip(ds.frame.columns, ds.labels)):
        if len(col) > 8:
            problems.append(f"{ds.name}.{col}: variable name longer than 8 characters")
        if len(label) > 40:
            problems.append(f"{ds.name}.{col}: label longer than 40 characters")
        if not (col.isascii() and label.isascii()):
            problems.append(f"{ds.name}.{col}: variable name or label is not ASCII")
        if pd.api.types.is_numeric_dtype(ds.frame[col]):
            widths.append(8)
            continue
        texts = text_list(ds.frame[col])
        widths.append(ds.widths[i] if ds.widths is not None else _text_width(texts))
        problems += _text_problems(ds.name, col, texts, widths[-1])
    if ds.widths is None and len(widths) == len(ds.frame.columns):
        ds.widths = widths
    return problems


def _text_problems(name: str, col: str, texts: list[str], width: int) -> list[str]:
    """Values not ASCII or longer than 200 bytes; whole-column checks first (most pass):
    ``width`` is the longest text (xpt_widths)."""
    problems = []
    if not "".join(texts).isascii():
        non_ascii = np.array([not t.isascii() for t in texts], dtype=bool)
        first = int(non_ascii.argmax()) + 1
        problems.append(f"{name}.{col}: {int(non_ascii.sum())} value(s) not ASCII "
                        f"(first: row {first})")
    # Bytes as written: a character outside ASCII would be one '?' byte.
    if width > MAX_TEXT:
        too_long = lengths(texts) > MAX_TEXT
        problems.append(f"{name}.{col}: {int(too_long.sum())} value(s) longer than "
                        f"{MAX_TEXT} bytes")
    return problems


def xpt_widths(ds: XptDataset) -> list[int]:
    """Bytes per variable as written: 8 for numbers, the longest value (at least 1) for text.

    >>> xpt_widths(XptDataset("X", "", pd.DataFrame({"A": ["ab", ""], "N": [1.0, 2.0]}), []))
    [2, 8]
    """
    if ds.widths is not None:
        return ds.widths
    out = []
    for col in ds.frame.columns:
        if not pd.api.types.is_numeric_dtype(ds.frame[col]):
            out.append(_text_width(text_list(ds.frame[col])))
        else:
            out.append(8)
    ds.widths = out
    return out


def _text_width(texts: list[str]) -> int:
    # The text is ASCII by now (ascii_frame), so characters are bytes.
    return max(1, max_length(texts))


def xpt_size(ds: XptDataset) -> int:
    """Exact size in bytes of the XPT v5 file ``write_xpt`` makes (80-byte records).

    Library and member headers (720 bytes), 140 bytes per variable descriptor and the
    observations, each section padded to a multiple of 80.

    >>> xpt_size(XptDataset("X", "", pd.DataFrame({"A": ["ab"] * 40}), ["A"]))
    960
    """
    rows = len(ds.frame) * sum(xpt_widths(ds))
    return 720 + math.ceil(140 * len(ds.frame.columns) / 80) * 80 + math.ceil(rows / 80) * 80


def write_xpt(ds: XptDataset, folder: Path) -> Path:
    """Write ``<name>.xpt`` (lower case) atomically: a temp file renamed into place.

    The bytes come from :mod:`cup2std.write.xport5` (numpy, whole columns at once): from the
    variable descriptors on, they equal what pyreadstat writes for the same frame, about 20
    times faster on large datasets.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{ds.name.lower()}.xpt"
    fd, tmp = tempfile.mkstemp(prefix=f".{ds.name.lower()}.", suffix=".xpt.tmp", dir=folder)
    os.close(fd)
    try:
        write_xport5(Path(tmp), ds.frame, ds.name, ds.label, ds.labels, xpt_widths(ds))
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
