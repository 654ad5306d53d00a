"""DataType, Length and keys from the values written."""
from __future__ import annotations

import pandas as pd

from cup2std.write.define.build import _keys
from cup2std.write.define.types import item_type


def test_whole_numbers_are_integer_with_their_digits():
    assert item_type("AESEQ", pd.Series([1.0, 12.0, -3.0])) == ("integer", 2, None)


def test_decimals_make_float_with_significant_digits():
    assert item_type("VSSTRESN", pd.Series([72.25, 180.0])) == ("float", 5, 2)  # 180.00


def test_dates_get_the_narrowest_iso_type():
    assert item_type("AESTDTC", pd.Series(["2020-07-14", ""]))[0] == "date"
    assert item_type("EXSTDTC", pd.Series(["2020-07-14T10:30"]))[0] == "datetime"
    assert item_type("AESTDTC", pd.Series(["2020-07", "2020-07-14"]))[0] == "partialDate"
    assert item_type("EXSTDTC", pd.Series(["2020-07", "2020-07-14T10:30"]))[0] == \
        "partialDatetime"
    assert item_type("AESTDTC", pd.Series(["2020---14"]))[0] == "incompleteDatetime"


def test_text_length_is_the_longest_value_and_at_least_one():
    assert item_type("AETERM", pd.Series(["Anaemia", "Fever"])) == ("text", 7, None)
    assert item_type("AELLT", pd.Series(["", ""])) == ("text", 1, None)


def test_seq_joins_the_keys_only_when_they_do_not_identify_a_record():
    unique = pd.DataFrame({"STUDYID": ["S"] * 2, "USUBJID": ["1", "1"], "AEDECOD": ["A", "B"],
                           "AESTDTC": ["", ""], "AESEQ": [1.0, 2.0]})
    assert _keys("AE", "AE", unique) == ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"]
    dup = unique.assign(AEDECOD="A")
    assert _keys("AE", "AE", dup)[-1] == "AESEQ"
