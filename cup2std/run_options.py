"""How a run is split: subjects per partition, processes, FHIR check mode.

Made by ``convert(..., subjects_per_partition=, jobs=, fhir_check=)`` (CLI: ``--partition``,
``--jobs``, ``--fhir-check``) and carried on the hub (``hub.options``) for the writers; the
outputs do not depend on the first two.

>>> RunOptions().subjects_per_partition > 0
True
"""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class RunOptions:
    subjects_per_partition: int = 500
    jobs: int = 0                      # 0: one per core, at most 2 (they share the machine)
    fhir_check: str = "shapes"         # or "all": every resource through the R4B model

    def resolved_jobs(self) -> int:
        return self.jobs or min(2, os.cpu_count() or 1)

