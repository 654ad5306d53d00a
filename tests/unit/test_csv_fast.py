"""The CSV fast path splits a regular file exactly as the csv module would, and hands every
other file to the csv module (which names the row of a problem)."""
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st

from cup2std.errors import SourceError
from cup2std.readers import csv_fast
from cup2std.readers.csv_fast import split_regular
from cup2std.readers.csv_reader import _parse, _parse_csv


def parse_both(text: str, delimiter: str = ","):
    """(fast frame or None, csv-module frame or the SourceError it raised)."""
    try:
        slow = _parse_csv(text, "f.csv", delimiter)
    except SourceError as exc:
        slow = exc
    return split_regular(text, delimiter), slow


@pytest.mark.parametrize("text", [
    'id,name\n1,"Smith, J."\n2," a "\n',           # delimiter inside quotes, blanks stripped
    'id,name\r\n1,a\r\n\r\n  \r\n2,b\r\n',          # CRLF, empty and blank lines skipped
    'id,name\n1,"say ""hi"""\n""\n',                 # doubled quotes; a line of "" is empty
    'id\n1\n \n""\n2\n',                            # one column: blank lines skipped
    'id,name\n',                                     # header only
])
@pytest.mark.parametrize("block_lines", [1, 2, 20_000])
def test_regular_files_split_as_the_csv_module_does(text, block_lines, monkeypatch):
    monkeypatch.setattr(csv_fast, "_BLOCK_LINES", block_lines)
    fast, slow = parse_both(text)
    assert fast is not None
    header, cells = fast
    assert header == [c for c in slow.columns if c != "_SRC_ROW"]
    assert cells.tolist() == slow.drop(columns="_SRC_ROW").values.tolist()


@pytest.mark.parametrize("text", [
    'id,name\n1,a,b\n',              # ragged
    'id,name\n1,"open\n2,b\n',       # a quoted field over two lines (or never closed)
    'id,name\n1,"a"x\n',             # text after a closing quote
    'id,name\n1,a"b\n',              # odd number of quotes in the file
    'id,name\n1,a\x0cb\n',           # a line break for str.splitlines, not for csv
    '\nid,name\n1,a\n',              # blank first line
])
def test_irregular_files_go_to_the_csv_module(text):
    assert split_regular(text, ",") is None


_FIELD = st.text(alphabet='ab ,"\t', max_size=5)
_FIELD_QUOTED = st.builds(lambda f: '"' + f.replace('"', '""') + '"',
                          st.text(alphabet='ab ,"\t\n', max_size=5))
_LINE = st.one_of(st.text(alphabet='ab ,"\t\r\n\x0c', max_size=12),
                  st.lists(st.one_of(_FIELD, _FIELD_QUOTED), min_size=2, max_size=2))


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=6), st.sampled_from([",", "\t"]))
def test_fast_path_equals_csv_module_on_random_text(lines, delimiter):
    lines = [ln if isinstance(ln, str) else delimiter.join(ln) for ln in lines]
    text = "a" + delimiter + "b\n" + "\n".join(lines)
    fast, slow = parse_both(text, delimiter)
    if fast is None:
        return
    assert not isinstance(slow, SourceError), (text, slow)
    header, cells = fast
    assert cells.tolist() == slow.drop(columns="_SRC_ROW").values.tolist()
    assert _parse(text, "f.csv", delimiter).equals(slow)
