"""The narrative format: what a contact person types is what every output shows."""

import pytest

from tests.support.public_helpers import PLAN_ONE
from tracker.narrative import ItemList, Paragraph, Span, clean_text, inline, parse, plain_text
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


def test_links_on_words_render_as_links_and_only_web_addresses_become_links():
    html = narrative_html(
        "Se [Ny i Norge (nyinorge.no)](https://www.nyinorge.no/) og "
        "[klikk](javascript:alert(1)) eller [<b>fet</b>](https://x.example/?a=1&b=2)."
    )
    assert '<a href="https://www.nyinorge.no/">Ny i Norge (nyinorge.no)</a>' in html
    assert 'href="javascript' not in html
    assert "[klikk](javascript:alert(1))" in html  # shown as the text it is
    assert '<a href="https://x.example/?a=1&amp;b=2">&lt;b&gt;fet&lt;/b&gt;</a>' in html


def test_inline_splits_text_into_words_and_links():
    assert inline("Les [rapporten](https://imdi.no/r) eller https://ssb.no/a.") == [
        Span("Les "),
        Span("rapporten", "https://imdi.no/r"),
        Span(" eller "),
        Span("https://ssb.no/a", "https://ssb.no/a"),
        Span("."),
    ]
    assert plain_text("Les [rapporten](https://imdi.no/r).") == "Les rapporten."


def test_public_measure_page_links_the_words_of_measure_12(seeded, client):
    html = client.get(PLAN_ONE + "/tiltak/12").get_data(as_text=True)
    assert (
        '<a href="https://www.ssb.no/arbeid-og-lonn/sysselsetting/artikler/staten-har-lavest-'
        'andel-innvandrere">Staten har lavest andel innvandrere (ssb.no)</a>'
    ) in html
    assert ">https://www.ssb.no" not in html


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        # The words name another address: both are shown, each linked to itself.
        (
            "[https://www.regjeringen.no/x](https://evil.example/)",
            '<a href="https://www.regjeringen.no/x">https://www.regjeringen.no/x</a> '
            '(<a href="https://evil.example/">https://evil.example/</a>)',
        ),
        (
            "[regjeringen.no](https://regjeringen.no.evil.example/)",
            'regjeringen.no (<a href="https://regjeringen.no.evil.example/">'
            "https://regjeringen.no.evil.example/</a>)",
        ),
        # Words that name the target's own site stay a link on the words.
        (
            "[Ny i Norge (nyinorge.no)](https://www.nyinorge.no/)",
            '<a href="https://www.nyinorge.no/">Ny i Norge (nyinorge.no)</a>',
        ),
        (
            "[Læringsplattformen (dfo.no)](https://laeringsplattformen.dfo.no/kurs)",
            '<a href="https://laeringsplattformen.dfo.no/kurs">Læringsplattformen (dfo.no)</a>',
        ),
        (
            "[https://www.imdi.no/](https://www.imdi.no)",
            '<a href="https://www.imdi.no">https://www.imdi.no/</a>',
        ),
        (
            "[f.eks. bl.a. dette](https://x.example/)",
            '<a href="https://x.example/">f.eks. bl.a. dette</a>',
        ),
    ],
)
def test_link_words_never_show_an_address_the_link_does_not_go_to(text, shown):
    assert narrative_html(text) == f"<p>{shown}</p>"


def test_no_seeded_link_is_taken_for_a_misleading_one(plan_data):
    texts = [report["narrative"] for report in plan_data["rounds"][0]["reports"]]
    linked = [span for text in texts for span in inline(text) if span.url]
    assert linked and all(span.text != span.url for span in linked)
