"""The mapping spec: typed model of mappings/*.yaml, checked before any data is read."""
from cup2std.spec.load import load_mapping
from cup2std.spec.model import Block, FormSpec, MappingSpec, SourceSpec, SuppSpec, VarSpec

__all__ = ["load_mapping", "Block", "FormSpec", "MappingSpec", "SourceSpec", "SuppSpec",
           "VarSpec"]
