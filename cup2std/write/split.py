"""Datasets past the agency's size limit, split for transport (FDA Study Data Technical
Conformance Guide, section 3.3.2: no single dataset file larger than 5 GB).

The complete dataset is still written to ``sdtm/``; the parts go to ``sdtm/split/`` as
``<name>1.xpt``, ``<name>2.xpt`` ... each under the limit. Records of one subject stay in one
part, so a part never cuts a subject's --SEQ series. Define-XML describes the complete dataset.

>>> ds = XptDataset("AE", "Adverse Events",
...                 pd.DataFrame({"USUBJID": ["S-1"] * 30 + ["S-2"] * 30}), ["Subject"])
>>> [len(p.frame) for p in split_dataset(ds, 1100)]
[30, 30]
"""
from __future__ import annotations

import pandas as pd

from cup2std.write.xpt import XptDataset, xpt_size

FDA_MAX_BYTES = 5 * 1024 ** 3  # 5 GB


def split_dataset(ds: XptDataset, max_bytes: int = FDA_MAX_BYTES) -> list[XptDataset]:
    """Parts of ``ds`` each at most ``max_bytes`` (as XPT v5); ``[]`` when ``ds`` fits.

    Raises ValueError when one subject's records alone exceed the limit.
    """
    if xpt_size(ds) <= max_bytes:
        return []
    frame = ds.frame.reset_index(drop=True)
    groups = (frame.groupby("USUBJID", sort=False).indices if "USUBJID" in frame
              else {i: [i] for i in range(len(frame))})
    parts: list[list[int]] = [[]]
    for rows in groups.values():
        trial = parts[-1] + list(rows)
        if parts[-1] and _size(ds, frame, trial) > max_bytes:
            parts.append(list(rows))
        else:
            parts[-1] = trial
        if _size(ds, frame, parts[-1]) > max_bytes:
            raise ValueError(f"{ds.name}: the records of one subject alone exceed "
                             f"{max_bytes} bytes; raise the limit")
    return [XptDataset(f"{ds.name}{i}", ds.label, frame.iloc[sorted(rows)].reset_index(drop=True),
                       ds.labels) for i, rows in enumerate(parts, 1)]


def _size(ds: XptDataset, frame: pd.DataFrame, rows: list[int]) -> int:
    return xpt_size(XptDataset(ds.name, ds.label, frame.iloc[rows], ds.labels))
