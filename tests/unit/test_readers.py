"""Readers: text cells with provenance; unreadable input is a SourceError naming file and row."""
import pandas as pd
import pytest

from cup2std.errors import SourceError
from cup2std.readers.csv_reader import read_csv_form
from cup2std.spec.model import SourceSpec


def read(tmp_path, data: bytes, **kw):
    p = tmp_path / "f.csv"
    p.write_bytes(data)
    return read_csv_form(p, SourceSpec(**kw))


def test_bom_blank_cells_and_row_numbers(tmp_path):
    df = read(tmp_path, "\ufeffid,name\n1, Müller \n2,\n".encode("utf-8"))
    assert list(df.columns) == ["id", "name", "_SRC_ROW"]
    assert df.values.tolist() == [["1", "Müller", 2], ["2", "", 3]]


def test_cp1252_when_declared(tmp_path):
    df = read(tmp_path, "id;name\n1;Größe\n".encode("cp1252"), encoding="cp1252", delimiter=";")
    assert df.at[0, "name"] == "Größe"


@pytest.mark.parametrize("data, fragment, row", [
    (b"id,name\n1,a,b\n", "has 3 fields but the header has 2", 2),
    (b'id,name\n1,"open\n2,b\n', "never closed", None),
    (b"id;name\n1;a\n", "set source.delimiter", 1),
    (b"", "empty", None),
    ("id,name\n1,Gr\xf6\xdfe\n".encode("latin-1"), "cannot be decoded as utf-8", 2),
    (b"id,id\n1,2\n", "appear twice", 1),
])
def test_broken_files_name_file_and_row(tmp_path, data, fragment, row):
    with pytest.raises(SourceError) as exc:
        read(tmp_path, data)
    assert fragment in str(exc.value) and "f.csv" in str(exc.value)
    if row:
        assert exc.value.row == row


def test_header_only_gives_no_rows(tmp_path):
    assert len(read(tmp_path, b"id,name\n")) == 0
