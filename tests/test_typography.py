"""No-break characters keep dates, periods and amounts whole without changing what is read."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.typography import NO_BREAK_SPACE, WORD_JOINER, as_read, keep_together

PIECES = st.sampled_from(
    [
        "1. juni 2025",
        "30. november 2026",
        "juni 2025",
        "2024–2027",
        "2023-2026",
        "15 000 kroner",
        "20 %",
        "2 millioner kroner",
        "5 år",
        "tiltak",
        "og",
        "https://x.no/2024-2027",
        "pr.",
        "3.",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(PIECES, max_size=12).map(" ".join))
def test_keeping_together_changes_no_word_a_reader_sees(text):
    kept = keep_together(text)
    assert as_read(kept) == text
    assert " juni 2025" not in kept and "2024–2027" not in kept  # nothing left to break


def test_the_issues_examples_are_kept_whole():
    assert keep_together("1. juni 2025") == f"1.{NO_BREAK_SPACE}juni{NO_BREAK_SPACE}2025"
    assert keep_together("30. november 2026").count(NO_BREAK_SPACE) == 2
    assert keep_together("2024–2027") == f"2024{WORD_JOINER}–{WORD_JOINER}2027"
    assert keep_together("15 000 kroner") == f"15{NO_BREAK_SPACE}000{NO_BREAK_SPACE}kroner"
