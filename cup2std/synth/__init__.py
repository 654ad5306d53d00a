"""Synthetic registry exports in the reference layout, at any size, deterministic by seed.

>>> from cup2std.synth import write_synth
>>> write_synth(1000, "/tmp/synth-1k", seed=7)["patients"]      # doctest: +SKIP
1000
"""
from cup2std.synth.export import write_synth  # noqa: F401
