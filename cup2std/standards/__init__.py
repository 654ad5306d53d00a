"""Loaders for the reference standards shipped in ``standards/data`` (see SOURCES.md there)."""
from cup2std.standards.ct import ControlledTerminology, load_ct
from cup2std.standards.ctcae import Ctcae, load_ctcae
from cup2std.standards.sdtmig import DomainMeta, VariableMeta, load_sdtmig

__all__ = [
    "ControlledTerminology", "load_ct", "Ctcae", "load_ctcae",
    "DomainMeta", "VariableMeta", "load_sdtmig",
]
