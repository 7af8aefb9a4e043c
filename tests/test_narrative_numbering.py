"""A numbered list needs a marker the writer meant: a line that a wrap started with a date, a
year or an amount stays text, in the one parser every output (DOCX, PDF, public page) uses."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.narrative import MONTH, ItemList, Paragraph, parse
from tracker.templating import narrative_html

MONTHS = (
    "januar februar mars april mai juni juli august september oktober november desember "
    "jan. feb. des. Juni"
).split()
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøå", min_size=1, max_size=8)
WORDS = st.lists(WORD, min_size=1, max_size=5).map(" ".join)
# An item's words, not starting with a month or a period («2. sep» is a date, not an item).
ITEM = WORDS.filter(lambda words: not MONTH.match(words))
DAY = st.integers(1, 31)
YEAR = st.integers(1990, 2040)

# How a line can start with a number nobody meant as a list item: a date, a year, a period...
DATE_START = st.one_of(
    st.builds(lambda d, m, y: f"{d}. {m} {y}", DAY, st.sampled_from(MONTHS), YEAR),
    st.builds(lambda d, m: f"{d}. {m}", DAY, st.sampled_from(MONTHS)),
    st.builds(lambda y: f"{y}.", YEAR),
    st.builds(
        lambda n, p: f"{n}. {p}",
        st.integers(1, 4),
        st.sampled_from(["kvartal", "tertial", "halvår"]),
    ),
)
# ... or an amount or rank that does not count from one.
HOSTILE_START = st.one_of(
    DATE_START,
    st.builds(lambda n: f"{n}. plass", st.integers(2, 999)),
    st.builds(lambda n: f"{n}) millioner kroner", st.integers(2, 999)),
    st.sampled_from(["v. ", "x. ", "l. ", "ii. ", "iv. "]),
)
DATE_LINE = st.builds(lambda start, rest: f"{start} {rest}", DATE_START, WORDS)
HOSTILE_LINE = st.builds(lambda start, rest: f"{start} {rest}", HOSTILE_START, WORDS)
SETTINGS = settings(max_examples=100, deadline=None)


def _words(blocks) -> list[str]:
    return " ".join(
        block.text if isinstance(block, Paragraph) else " ".join(block.items) for block in blocks
    ).split()


def test_a_date_at_a_line_start_is_text_in_every_output():
    text = "Første samling er planlagt\n24. januar 2026"
    assert parse(text) == [Paragraph("Første samling er planlagt 24. januar 2026")]
    html = narrative_html(text)
    assert "<ol" not in html and "24.\u00a0januar\u00a02026" in html  # and kept on one line


@SETTINGS
@given(first=WORDS, lines=st.lists(HOSTILE_LINE, min_size=1, max_size=6))
def test_lines_starting_with_dates_years_or_amounts_never_become_a_numbered_list(first, lines):
    text = "\n".join([first, *lines])
    blocks = parse(text)
    assert not any(isinstance(block, ItemList) for block in blocks)
    assert _words(blocks) == text.split()  # nothing lost, nothing renumbered


@SETTINGS
@given(
    before=st.lists(HOSTILE_LINE, max_size=3),
    items=st.lists(ITEM, min_size=2, max_size=6),
    after=st.lists(HOSTILE_LINE, max_size=3),
    roman=st.booleans(),
)
def test_a_list_counted_from_one_stays_a_list_among_hostile_lines(before, items, after, roman):
    numerals = ["i", "ii", "iii", "iv", "v", "vi"] if roman else [str(n) for n in range(1, 7)]
    listed = [f"{numerals[n]}. {item}" for n, item in enumerate(items)]
    blocks = parse(
        "\n\n".join(
            part for part in ("\n".join(before), "\n".join(listed), "\n".join(after)) if part
        )
    )
    lists = [block for block in blocks if isinstance(block, ItemList)]
    assert lists == [ItemList(tuple(items), "roman" if roman else "decimal")]
    assert not any(isinstance(b, ItemList) for b in blocks if b not in lists)


@SETTINGS
@given(items=st.lists(ITEM, min_size=2, max_size=5), date=DATE_LINE)
def test_a_date_line_right_after_a_list_ends_it_and_stays_text(items, date):
    listed = "\n".join(f"{n}. {item}" for n, item in enumerate(items, start=1))
    blocks = parse(f"{listed}\n{date}")
    assert blocks[0] == ItemList(tuple(items), "decimal")
    assert blocks[1:] == [Paragraph(date)]


def test_measure_29_links_the_words_of_its_web_address(plan_data):
    description = next(m for m in plan_data["measures"] if m["number"] == 29)["description"]
    assert (
        '<a href="http://www.samiskeveivisere.no/">www.samiskeveivisere.no</a>'
        in narrative_html(description)
    )
