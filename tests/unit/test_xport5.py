"""The numpy XPT v5 writer against the format's published values and two independent readers."""
import numpy as np
import pandas as pd
import pyreadstat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cup2std.write.xport5 import ibm_floats, xport5_bytes


@pytest.mark.parametrize("value, hexbytes", [
    (1.0, "4110000000000000"), (-118.625, "c276a00000000000"),  # TS-140's own example
    (0.0, "0000000000000000"), (np.nan, "2e00000000000000"), (0.5, "4080000000000000"),
    (100.0, "4264000000000000"), (-1.0, "c110000000000000"),
])
def test_ibm_float_bytes(value, hexbytes):
    assert ibm_floats(np.array([value])).hex() == hexbytes


def test_numbers_out_of_ibm_range_are_refused():
    with pytest.raises(ValueError, match="outside the range"):
        ibm_floats(np.array([1e300]))


def _write(tmp_path, df, widths):
    p = tmp_path / "t.xpt"
    labels = [f"Label of {c}" for c in df.columns]
    p.write_bytes(xport5_bytes(df, "TEST", "A test dataset", labels, widths, stamp=0))
    return p


floats = st.one_of(st.just(float("nan")),
                 st.floats(allow_nan=False, allow_infinity=False, min_value=-1e70, max_value=1e70))
texts = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=20)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(floats, texts), min_size=1, max_size=30))
def test_random_frames_read_back_with_pyreadstat(rows, tmp_path_factory):
    df = pd.DataFrame(rows, columns=["NUM", "TXT"])
    width = max(1, max(len(t) for t in df["TXT"]))
    p = _write(tmp_path_factory.mktemp("x"), df, [8, width])
    back, meta = pyreadstat.read_xport(str(p))
    got = back["NUM"].to_numpy(float)
    want = df["NUM"].to_numpy(float)
    # IBM floats keep 56 bits: at least as precise as IEEE doubles (53 bits), except
    # magnitudes below about 5e-79, which IBM cannot hold and become 0.
    tiny = np.abs(want) < 5.4e-79
    np.testing.assert_array_equal(got[~tiny], want[~tiny])
    assert list(back["TXT"].str.rstrip()) == [t.rstrip() for t in df["TXT"]]
    assert meta.column_names_to_labels == {"NUM": "Label of NUM", "TXT": "Label of TXT"}
    assert (meta.table_name, meta.file_label) == ("TEST", "A test dataset")


def test_pandas_reader_agrees(tmp_path):
    df = pd.DataFrame({"N": [1.5, -2.0, np.nan, 1e10], "T": ["a", "", "xyz", "  b"]})
    got = pd.read_sas(_write(tmp_path, df, [8, 3]), format="xport", encoding="ascii")
    np.testing.assert_array_equal(got["N"].to_numpy(), df["N"].to_numpy())
    assert got["T"].fillna("").tolist() == ["a", "", "xyz", "  b"]


def test_same_bytes_as_pyreadstat_from_the_variable_descriptors_on(converted, tmp_path):
    """Everything but the creation times and the writer's name in the first headers."""
    from cup2std.write.package import prepare_package
    from cup2std.write.xpt import xpt_widths
    for ds in prepare_package(converted.hub, converted.hub.ledger):
        ours = xport5_bytes(ds.frame, ds.name, ds.label, ds.labels, xpt_widths(ds))
        frame = ds.frame.copy()
        for c in frame.columns:
            if not pd.api.types.is_numeric_dtype(frame[c]):
                frame[c] = frame[c].fillna("").astype(str)
        p = tmp_path / f"{ds.name}.xpt"
        pyreadstat.write_xport(frame, str(p), file_label=ds.label, column_labels=ds.labels,
                               table_name=ds.name, file_format_version=5)
        theirs = p.read_bytes()
        cut = b"HEADER RECORD*******NAMESTR"
        assert ours[ours.index(cut):] == theirs[theirs.index(cut):], ds.name
        assert len(ours) == len(theirs)


@pytest.mark.parametrize("rows_per_block", [1, 3, 7, 10])
def test_blocks_of_rows_give_the_same_bytes(rows_per_block):
    """The observations are written a block of rows at a time; where the blocks end (here
    inside, at and beyond the last row) must not show in the file."""
    df = pd.DataFrame({"N": [1.5, -2.0, np.nan, 1e10, 0.0, 3.0, 7.25],
                       "T": ["a", "", "xyz", "  b", "a", "é?"[1], "xyz"]})
    args = (df, "TEST", "A test dataset", ["N label", "T label"], [8, 3], 0)
    whole = xport5_bytes(*args, rows_per_block=len(df))
    assert xport5_bytes(*args, rows_per_block=rows_per_block) == whole
    assert len(whole) % 80 == 0 and whole.count(b"xyz") == 2
