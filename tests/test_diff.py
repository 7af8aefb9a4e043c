"""The word diff behind the history and conflict pages: exact whatever the text, and bounded.

Speed itself is measured by bench/bench_diff.py (results in bench/results-diff.md); here the
outcome: both versions can be read back from the pieces, a normal edit is shown word by word,
and the pathological inputs from the outside test still give a complete, correct page.
"""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.workflow import build_world, csrf_token, fresh
from tracker.reporting.diff import compare_text


def sides(pieces) -> tuple[str, str]:
    old = "".join(piece.text for piece in pieces if piece.kind != "insert")
    new = "".join(piece.text for piece in pieces if piece.kind != "delete")
    return old, new


def test_a_small_edit_is_shown_word_by_word():
    pieces = compare_text(
        "Tiltaket er startet i 2025.\n\nMer tekst følger.",
        "Tiltaket er fullført i 2026.\n\nMer tekst følger.",
    )
    assert [(p.kind, p.text) for p in pieces] == [
        ("equal", "Tiltaket er "),
        ("delete", "startet "),
        ("insert", "fullført "),
        ("equal", "i "),
        ("delete", "2025.\n\n"),
        ("insert", "2026.\n\n"),
        ("equal", "Mer tekst følger."),
    ]


def test_more_distinct_words_than_the_surrogate_block_still_round_trip():
    old = " ".join(f"w{n}" for n in range(60_000))
    new = " ".join(f"w{n}" for n in range(0, 60_000, 2))
    assert sides(compare_text(old, new)) == (old, new)


def test_an_exhausted_budget_still_gives_a_correct_comparison():
    old, new = "a b " * 5000, "a " * 10000
    pieces = compare_text(old, new, time_budget=0.000001)
    assert sides(pieces) == (old, new)
    assert len(pieces) <= 4  # what was left is shown as one deletion and one insertion


repetitive = st.builds(
    lambda words, times, tail: (" ".join(words) + " ") * times + tail,
    st.lists(st.sampled_from(["a", "b", "a\n\n", "ord", "\u202e"]), min_size=1, max_size=4),
    st.integers(min_value=1, max_value=2500),
    st.text(max_size=20),
)


@settings(max_examples=40, deadline=None)
@given(old=st.one_of(repetitive, st.text()), new=st.one_of(repetitive, st.text()))
def test_both_versions_can_be_read_back_from_the_pieces(old, new):
    pieces = compare_text(old, new)
    assert sides(pieces) == (old, new)
    assert all(piece.text for piece in pieces)


def test_the_outside_tests_stale_save_gets_the_conflict_page(client, app, login):
    """'a b ' × 400 saved, then a stale 'a ' × 2500: once a 30-second 500, now a 409 page
    holding both texts, with nothing overwritten."""
    world = build_world()
    login(world.lead_contact)
    token = csrf_token(client, world.report_url)

    def save(narrative, version):
        return client.post(
            world.report_url,
            data={
                "status": "in_progress",
                "narrative": narrative,
                "version": str(version),
                "save": "Lagre",
                "csrf_token": token,
            },
        )

    saved = ("a b " * 400).strip()
    assert save(saved, 1).status_code == 302
    stale = ("a " * 2500).strip()
    conflict = save(stale, 1)
    assert conflict.status_code == 409
    assert fresh(world.report).narrative == saved
    page = conflict.get_data(as_text=True)
    assert stale in page  # the person's own text is kept in the form
    history = client.get(world.report_url + "/historikk")
    assert history.status_code == 200
