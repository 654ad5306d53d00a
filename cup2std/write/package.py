"""The SDTM package: one XPT v5 per dataset in ``OUT/sdtm``, from the hub."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from cup2std.engine.hub import Hub
from cup2std.validate.findings import Ledger
from cup2std.write.split import FDA_MAX_BYTES, split_dataset
from cup2std.write.xpt import (
    XptDataset, check_dataset, prepare_dataset, split_long_text, write_xpt, xpt_size,
)


def package_frames(hub: Hub) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """The frames as they go into XPT: SDTM variables only, long text split into SUPP--."""
    frames = {name: hub.sdtm(name) for name in hub.datasets}
    splits = split_long_text(frames)
    # A SUPP-- created only by splitting goes right after its parent.
    order = [n for name in hub.datasets for n in (name, f"SUPP{name}") if n in frames]
    return {n: frames[n] for n in dict.fromkeys(order)}, splits


def prepare_package(hub: Hub, ledger: Ledger) -> list[XptDataset]:
    """The datasets exactly as they will be written (ASCII, labelled, in package order);
    transliterations, long-text splits and XPT limit problems go to the ledger."""
    frames, splits = package_frames(hub)
    prepared = []
    for name in frames:
        ds, changes = prepare_dataset(name, frames[name])
        for ch in changes:
            ledger.changes.append({"kind": "transliteration", **ch})
        for problem in check_dataset(ds):
            ledger.finding("XPT001", "error", problem + "; the dataset was not written",
                           domain=name)
        prepared.append(ds)
    for s in splits:
        ledger.changes.append({"kind": "long_text_split", **s})
    return prepared


def write_sdtm_package(hub: Hub, folder: Path, ledger: Ledger,
                       max_bytes: int = FDA_MAX_BYTES) -> dict[str, dict]:
    """Write every dataset; return name -> {file, records, variables, dataset, split}.

    ``dataset`` is the :class:`XptDataset` written (what Define-XML describes). Nothing is
    written when a dataset breaks an XPT v5 limit (the problems are findings). A dataset
    larger than ``max_bytes`` is also written in parts below ``folder/split``.
    """
    prepared = prepare_package(hub, ledger)
    written: dict[str, dict] = {}
    if any(f.rule == "XPT001" for f in ledger.findings):
        return written
    for ds in prepared:
        path = write_xpt(ds, folder)
        written[ds.name] = {"file": str(path), "records": len(ds.frame),
                            "variables": list(ds.frame.columns), "dataset": ds, "split": []}
        try:
            parts = split_dataset(ds, max_bytes)
        except ValueError as exc:
            ledger.finding("XPT002", "error", f"{exc}; the dataset was not split", domain=ds.name)
            continue
        if parts:
            written[ds.name]["split"] = [str(write_xpt(p, folder / "split")) for p in parts]
            ledger.finding("XPT002", "info", f"{ds.name} is {xpt_size(ds)} bytes, over the "
                           f"{max_bytes}-byte limit of the FDA Technical Conformance Guide; also "
                           f"written as {len(parts)} parts in {folder.name}/split/ "
                           f"({', '.join(p.name.lower() for p in parts)}), subjects kept whole",
                           domain=ds.name)
    return written
