"""Numbers and dates as contact persons type them: Norwegian and English notation read alike,
anything else refused with a Norwegian message, never a crash."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.results.parsing import ParseError, format_number, parse_date, parse_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1234.5", 1234.5),
        ("12 %", 12.0),
        ("12%", 12.0),
        ("0,5", 0.5),
        ("-3,25", -3.25),
        ("\u22123", -3.0),
        ("1 000 000", 1_000_000.0),
        ("1,000,000", 1_000_000.0),
        ("42", 42.0),
    ],
)
def test_norwegian_and_english_notation_give_the_same_number(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["", "tolv", "12 kr", "1 23,5", "1,23,4.5", "1.2.3,4,5", "1 234.567,8", "--3", "%"]
)
def test_what_is_not_a_number_is_refused_in_norwegian(text):
    with pytest.raises(ParseError) as refused:
        parse_number(text)
    assert "ikke et tall" in refused.value.message


def test_an_absurdly_large_number_is_refused():
    with pytest.raises(ParseError, match="for stort"):
        parse_number("1" + "0" * 20)


whole_numbers = st.integers(min_value=0, max_value=10**12)
fractions = st.text(alphabet="0123456789", min_size=1, max_size=4)


@settings(max_examples=300, deadline=None)
@given(whole=whole_numbers, fraction=fractions, negative=st.booleans())
def test_any_number_written_either_way_reads_back_the_same(whole, fraction, negative):
    sign = "-" if negative else ""
    norwegian = sign + f"{whole:,}".replace(",", "\u00a0") + "," + fraction
    english = sign + f"{whole:,}" + "." + fraction
    expected = float(Decimal(sign + str(whole) + "." + fraction))
    assert parse_number(norwegian) == expected
    assert parse_number(english) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_number_or_a_norwegian_refusal_never_a_crash(text):
    try:
        value = parse_number(text)
    except ParseError as refused:
        assert refused.message
    else:
        assert value == value  # not NaN
        assert abs(value) < 10**15


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(lambda v: round(v, 2)))
def test_what_we_print_we_can_read(value):
    assert parse_number(format_number(value)) == pytest.approx(value, abs=0.005)


def test_dates_in_norwegian_and_iso_notation():
    assert parse_date("31.12.2026", 2024) == date(2026, 12, 31)
    assert parse_date("1.5.2025", 2024) == date(2025, 5, 1)
    assert parse_date("2026-12-31", 2024) == date(2026, 12, 31)


def test_a_date_before_the_plan_period_is_refused():
    with pytest.raises(ParseError, match="før planperioden \\(2024–2027\\)"):
        parse_date("31.12.2023", 2024, period="2024–2027")


@pytest.mark.parametrize("text", ["31.02.2026", "i fjor", "2026/12/31", ""])
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(ParseError, match="ikke en dato"):
        parse_date(text, 2024)


def test_a_done_date_in_the_future_is_refused():
    with pytest.raises(ParseError, match="fram i tid"):
        parse_date("01.01.2027", 2024, latest=date(2026, 6, 1))
