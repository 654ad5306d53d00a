import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cup2std.engine.iso8601 import compile_format, iso_to_date, to_iso


@pytest.mark.parametrize("raw, fmt, expected", [
    ("2020-07-14", "ISO8601", "2020-07-14"),
    ("2020-07", "ISO8601", "2020-07"),
    ("1953", "ISO8601", "1953"),
    ("2020-07-14T09:30", "ISO8601", "2020-07-14T09:30"),
    ("2020-07-14T09:30:15", "ISO8601", "2020-07-14T09:30:15"),
    ("14.07.2020", "DD.MM.YYYY", "2020-07-14"),
    ("4.7.2020", "DD.MM.YYYY", "2020-07-04"),
    ("UN.07.2020", "DD.MM.YYYY", "2020-07"),
    ("07.2020", "MM.YYYY", "2020-07"),
    ("2008", "YYYY", "2008"),
    ("UN JAN 2008", "DD MON YYYY", "2008-01"),
    ("01 JAN 2008", "DD MON YYYY", "2008-01-01"),
    ("UN UNK 2008", "DD MON YYYY", "2008"),
    ("15 UNK 2008", "DD MON YYYY", "2008---15"),
    ("14.07.2020 09:05", "DD.MM.YYYY hh:mm", "2020-07-14T09:05"),
])
def test_converts_collected_dates_without_guessing(raw, fmt, expected):
    iso, err = to_iso(pd.Series([raw]), [fmt])
    assert (iso[0], err[0]) == (expected, "")


@pytest.mark.parametrize("raw, fmt, reason", [
    ("31.02.2020", "DD.MM.YYYY", "not a real calendar date"),
    ("2020-13", "ISO8601", "not a real calendar date"),
    ("2021-02-29", "ISO8601", "not a real calendar date"),
    ("14/07/2020", "DD.MM.YYYY", "does not match"),
    ("July 2020", "ISO8601", "does not match"),
    ("15 FOO 2008", "DD MON YYYY", "not a real calendar date"),
])
def test_impossible_or_unknown_dates_are_errors_and_left_empty(raw, fmt, reason):
    iso, err = to_iso(pd.Series([raw]), [fmt])
    assert iso[0] == ""
    assert reason in err[0]


def test_first_matching_format_wins_and_empty_stays_empty():
    iso, err = to_iso(pd.Series(["14.07.2020", "07.2020", ""]), ["DD.MM.YYYY", "MM.YYYY"])
    assert iso.tolist() == ["2020-07-14", "2020-07", ""]
    assert err.tolist() == ["", "", ""]


@pytest.mark.parametrize("fmt", ["DD.MM", "YYYY-QQ", "YYYY.YYYY", "MM MON YYYY"])
def test_bad_formats_are_refused(fmt):
    with pytest.raises(ValueError):
        compile_format(fmt)


def test_iso_to_date_only_for_complete_dates():
    got = iso_to_date(pd.Series(["2020-07-14T10:00", "2020-07", ""]))
    assert got[0] == pd.Timestamp("2020-07-14")
    assert got[1:].isna().all()


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1900-01-01").date(),
                max_value=pd.Timestamp("2099-12-31").date()),
       st.sampled_from(["day", "month", "year"]))
def test_partial_dates_never_gain_components(d, precision):
    """A date known to the month stays a month, whatever the format it came in."""
    iso_full = d.isoformat()
    collected = {"day": f"{d.day:02d}.{d.month:02d}.{d.year}",
                 "month": f"UN.{d.month:02d}.{d.year}", "year": f"UN.UN.{d.year}"}[precision]
    iso, err = to_iso(pd.Series([collected]), ["DD.MM.YYYY"])
    expected = {"day": iso_full, "month": iso_full[:7], "year": iso_full[:4]}[precision]
    assert (iso[0], err[0]) == (expected, "")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.from_regex(r"\A[0-9]{4}-[0-3][0-9]-[0-3][0-9](T[0-2][0-9]:[0-6][0-9](:[0-6][0-9])?)?\Z"
                              r"|\A[0-9]{4}(-[0-1][0-9])?\Z", fullmatch=True), max_size=8))
def test_complete_iso_fast_path_equals_the_general_conversion(values):
    from cup2std.engine.iso8601 import _convert, _with_complete_iso_dates
    text = pd.Series(values, dtype=object)
    fast, general = _with_complete_iso_dates(text, ["ISO8601"]), _convert(text, ["ISO8601"])
    assert fast[0].tolist() == general[0].tolist()
    assert fast[1].tolist() == general[1].tolist()
