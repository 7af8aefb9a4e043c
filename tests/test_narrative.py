"""The narrative format: what a contact person types is what every output shows."""

from tracker.narrative import ItemList, Paragraph, clean_text, parse
from tracker.templating import narrative_html


def test_blank_lines_separate_paragraphs_and_single_newlines_join_lines():
    assert parse("Første linje\nfortsetter.\n\nAndre avsnitt.") == [
        Paragraph("Første linje fortsetter."),
        Paragraph("Andre avsnitt."),
    ]


def test_dash_and_bullet_lines_become_one_list():
    assert parse("Tiltak:\n- en\n• to\n\nSlutt.") == [
        Paragraph("Tiltak:"),
        ItemList(("en", "to")),
        Paragraph("Slutt."),
    ]


def test_numbered_and_roman_lines_become_numbered_lists():
    blocks = parse("1. første\n2. andre\n\ni. a\nii. b")
    assert blocks == [ItemList(("første", "andre"), "decimal"), ItemList(("a", "b"), "roman")]


def test_word_paste_is_cleaned_visibly_without_losing_words():
    pasted = "Tekst\u00a0med\thard mellomrom\x0b og \x07kontrolltegn  \r\nny linje"
    assert clean_text(pasted) == "Tekst med hard mellomrom og kontrolltegn\nny linje"


def test_html_in_narrative_is_shown_as_text_and_urls_become_links():
    html = narrative_html('<script>alert("x")</script> se https://www.imdi.no/tilskudd.')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<a href="https://www.imdi.no/tilskudd">https://www.imdi.no/tilskudd</a>.' in html


def test_every_seeded_narrative_with_a_numbered_list_renders_as_list(plan_data):
    narratives = {r["measure"]: r["narrative"] for r in plan_data["rounds"][0]["reports"]}
    assert "<ol>" in narrative_html(narratives[25])
    assert '<ol type="i">' in narrative_html(narratives[44])
