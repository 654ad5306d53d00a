"""The FHIR plan's compact columns give back exactly the frame's values (columns.py)."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from cup2std.write.fhir.columns import Columns


def _same(a, b) -> bool:
    """Equal, of the same type, NaN equal to NaN and -0.0 told apart from 0.0."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) ==
                                                     math.copysign(1, b))
    return a == b


def _records(frame: pd.DataFrame, order: np.ndarray) -> list[dict]:
    return [{c: frame[c].iloc[i].item() if hasattr(frame[c].iloc[i], "item")
             else frame[c].iloc[i] for c in frame.columns} for i in order]


numbers = st.one_of(st.just(float("nan")), st.just(-0.0), st.just(0.0),
                    st.floats(allow_nan=False, allow_infinity=False, width=64))


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(numbers, st.integers(-2**40, 2**40), st.integers(0, 200),
                               st.sampled_from(["a", "b", None])), min_size=1, max_size=20),
       data=st.data())
def test_records_give_back_the_frame(rows, data):
    frame = pd.DataFrame(rows, columns=["F", "BIG", "SMALL", "T"])
    order = np.array(data.draw(st.permutations(range(len(frame)))))
    got = Columns(frame, order).records(np.arange(len(frame)))
    want = _records(frame, order)
    for g, w in zip(got, want):
        assert list(g) == list(w)
        assert all(_same(g[c], w[c]) or (w[c] is None and g[c] is None) for c in w), (g, w)


def test_many_distinct_numbers_and_narrow_integers():
    frame = pd.DataFrame({"N": np.arange(40_000) / 7, "I": np.arange(40_000) * 100_000})
    cols = Columns(frame)
    rows = np.array([0, 39_999, 12_345])
    assert cols.records(rows) == [{"N": v / 7, "I": v * 100_000} for v in (0, 39_999, 12_345)]
    assert cols.numbers["I"].dtype == np.int64 and cols.numbers["N"].dtype == np.float64


def test_numbers_taking_few_values_are_held_as_small_codes():
    frame = pd.DataFrame({"SEQ": np.tile([1.0, 2.0, np.nan], 1000),
                          "ROW": np.arange(3000, dtype=np.int64)})
    cols = Columns(frame)
    codes, _ = cols.codes["SEQ"]
    assert codes.dtype == np.int8 and cols.numbers["ROW"].dtype == np.int16
    assert cols.key_rows(np.array([0, 2]), ("SEQ",), lambda v: "" if pd.isna(v) else str(v)) \
        == [("1.0",), ("",)]
