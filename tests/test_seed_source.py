"""The seed file is faithful to the published midterm report, word for word.

The PDF's line breaks are gone from the seed, so both sides are compared without whitespace.
A link on words ([words](url)) is compared as its words; its URL must be one the source prints.
"""

import re
from pathlib import Path

import pytest

from tracker.narrative import LINKED_WORDS, plain_text

SOURCE = Path(__file__).resolve().parents[2] / "shared" / "sources" / "midtveisrapport-2025.txt"
LIST_MARKER = re.compile(r"^(- |\d+\. |[ivx]+\. )")


@pytest.fixture(scope="module")
def source_text() -> str:
    if not SOURCE.exists():
        pytest.skip(f"the midterm report is not beside the repository ({SOURCE})")
    return re.sub(r"\s+", "", SOURCE.read_text(encoding="utf-8"))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", LIST_MARKER.sub("", plain_text(text)))


def paragraphs(text: str):
    return [line for line in text.split("\n") if line.strip()]


def test_every_description_paragraph_is_in_the_source(plan_data, source_text):
    missing = [
        (m["number"], p[:60])
        for m in plan_data["measures"]
        for p in paragraphs(m["description"])
        if squeezed(p) not in source_text
    ]
    assert missing == []


def test_every_narrative_paragraph_is_in_the_source(plan_data, source_text):
    missing = [
        (r["measure"], p[:60])
        for r in plan_data["rounds"][0]["reports"]
        for p in paragraphs(r["narrative"])
        if squeezed(p) not in source_text
    ]
    assert missing == []


def test_every_title_is_in_the_source(plan_data, source_text):
    assert [
        m["number"] for m in plan_data["measures"] if squeezed(m["title"]) not in source_text
    ] == []


def test_every_disagreement_with_the_overview_table_has_a_note(plan_data):
    for measure in plan_data["measures"]:
        table = measure["source_table"]
        section = measure["source_section"]
        if table.get("status") != section.get("status"):
            assert "status" in measure["note"].lower(), measure["number"]


def seeded_texts(plan_data) -> list[tuple[int, str]]:
    return [(m["number"], m["description"]) for m in plan_data["measures"]] + [
        (r["measure"], r["narrative"]) for r in plan_data["rounds"][0]["reports"]
    ]


def test_every_link_points_where_the_source_does_and_no_url_stands_alone(plan_data, source_text):
    linked = {}
    for number, text in seeded_texts(plan_data):
        for words, url in LINKED_WORDS.findall(text):
            assert url in source_text, (number, url)
            linked[number] = words
        assert not any(re.fullmatch(r"https?://\S+", p.strip()) for p in paragraphs(text)), number
    assert sorted(linked) == [4, 7, 8, 12, 13, 14, 15, 19, 28, 29, 35, 42]
