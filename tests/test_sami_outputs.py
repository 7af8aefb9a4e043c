"""Northern Sámi texts wherever a measure's public text goes (issue 26), beyond the measure page:
the report (DOCX and tagged PDF), the measure's Atom feed, the embeddable card and the search.
Two plans side by side: the national plan has Sámi texts, the municipal plan none and shows
nothing Sámi anywhere."""

import io
import re
import subprocess
from datetime import date

import feedparser
import pikepdf
import pytest
from docx.oxml.ns import qn
from sqlalchemy import select

from tests.factories import AreaFactory, MeasureFactory, PlanFactory, ReportFactory, RoundFactory
from tests.support.docx_reading import open_docx
from tests.support.plan_files import municipal_plan
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import make_user
from tests.test_sami_texts import SAMI_NARRATIVE, SAMI_SUMMARY
from tracker.export import office
from tracker.export.docx_report import build_midterm_report
from tracker.export.midterm import build
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.measures.models import Measure
from tracker.models import Role
from tracker.plan.loader import load_plan
from tracker.plan.operations import edit_measure
from tracker.reporting.models import MeasureReport
from tracker.reporting.queries import get_round
from tracker.reporting.states import ReviewState, Status

OSLO = "/planer/oslo-mot-rasisme-2025-2028"
SAMI_ITEM = "Kampánja čájehuvvo buot gielddain"  # a list item, so lists carry the tag too
NEEDS_OFFICE = pytest.mark.skipif(
    office.office_missing_reason() is not None, reason="LibreOffice with python3-uno is needed"
)


@pytest.fixture
def two_plans(app):
    """Plan one: measure 1 with a Sámi summary and a Sámi text in the published round, measure 2
    without; and the municipal plan (nynorsk, boroughs), which has no Sámi text at all."""
    plan = PlanFactory()
    area = AreaFactory(plan=plan, key="arbeidsliv", name="Arbeidsliv")
    reporting_round = RoundFactory(plan=plan, midterm=True, title="Midtveisrapport")
    with_sami = MeasureFactory(
        area=area, number=1, title="Kampanje", description="Planens tekst.", summary_se=SAMI_SUMMARY
    )
    without = MeasureFactory(area=area, number=2, title="Kurs", description="Kurs for alle.")
    for measure, sami in ((with_sami, f"{SAMI_NARRATIVE}\n\n- {SAMI_ITEM}"), (without, "")):
        ReportFactory(
            round=reporting_round,
            measure=measure,
            status=Status.IN_PROGRESS,
            narrative="Arbeidet er i gang.",
            narrative_se=sami,
            review_state=ReviewState.APPROVED,
        )
    load_plan(db.session, municipal_plan(), new_plan=True)
    db.session.commit()


def _languages(paragraph) -> set[str]:
    return {lang.get(qn("w:val")) for lang in paragraph._p.iter(qn("w:lang"))}


def _report(slug: str):
    return collect_report_data(get_round(slug), generated_on=date(2025, 6, 20))


# --- The report ----------------------------------------------------------------------------------


def test_the_report_gives_the_sami_texts_after_the_norwegian_marked_se_NO(two_plans):
    document = open_docx(build_midterm_report(_report("midtveis")))
    headings = [p.text if p.style.name == "Heading 2" else "" for p in document.paragraphs]
    measure_one = document.paragraphs[headings.index("1. Kampanje") : headings.index("2. Kurs")]
    sami = [(p.text, p.style.name) for p in measure_one if _languages(p) == {"se-NO"}]
    # The summary under the plan's text, the report's text under the Norwegian one, each under
    # its label in Sámi; every run and the paragraph mark in se-NO, list items too.
    assert sami == [
        ("Sámegillii", "Report Label"),
        (SAMI_SUMMARY, "Normal"),
        ("Sámegillii", "Report Label"),
        (SAMI_NARRATIVE, "Normal"),
        (SAMI_ITEM, "List Bullet"),
    ]
    order = [p.text for p in measure_one]
    assert order.index("Planens tekst.") < order.index(SAMI_SUMMARY)
    assert order.index("Arbeidet er i gang.") < order.index(SAMI_NARRATIVE)
    # Nothing else in the report is marked Sámi, and measure 2 has no «Sámegillii».
    marked = [p.text for p in document.paragraphs if "se-NO" in _languages(p)]
    assert marked == [text for text, _style in sami]
    assert document.core_properties.language == "nb-NO"


def test_the_municipal_plans_report_has_nothing_sami(two_plans):
    document = open_docx(build_midterm_report(_report("oslo-host-2025")))
    assert "Opplegget er prøvd ut." in [p.text for p in document.paragraphs]
    assert not [p.text for p in document.paragraphs if "Sámegillii" in p.text]
    assert "se-NO" not in document.element.xml


@NEEDS_OFFICE
def test_the_tagged_pdf_marks_the_sami_text_se_NO_and_nothing_else(two_plans, tmp_path):
    report = build(_report("midtveis"), with_chart=False)
    assert report.pdf is not None, report.pdf_missing_reason
    whole = _squeezed(_pdf_text(report.pdf, tmp_path))
    assert f"Planens tekst. Sámegillii {SAMI_SUMMARY}" in whole
    assert f"Arbeidet er i gang. Sámegillii {SAMI_NARRATIVE}" in whole and SAMI_ITEM in whole
    assert str(pikepdf.open(io.BytesIO(report.pdf)).Root.Lang) == "nb-NO"
    # The text a screen reader is told is Sámi (structure elements with /Lang se-NO) is the
    # Sámi text, all of it and nothing else.
    sami = _squeezed(_pdf_text(report.pdf, tmp_path, keep_sami=True))
    assert sami == f"Sámegillii {SAMI_SUMMARY} Sámegillii {SAMI_NARRATIVE} {SAMI_ITEM}"
    rest = _squeezed(_pdf_text(report.pdf, tmp_path, keep_sami=False))
    assert "Sámegillii" not in rest and "jođus" not in rest and "Kampánja" not in rest
    assert "Planens tekst. Midtveisrapport Arbeidet er i gang." in rest


def _squeezed(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(pdf: bytes, tmp_path, keep_sami: bool | None = None) -> str:
    """pdftotext's reading of the PDF; with ``keep_sami`` True only the text in structure
    elements tagged se-NO, with False only the rest (the other text is taken off the pages)."""
    path = tmp_path / "rapport.pdf"
    if keep_sami is None:
        path.write_bytes(pdf)
    else:
        document = pikepdf.open(io.BytesIO(pdf))
        _keep_text(document, _sami_marked_content(document), keep_sami)
        document.save(path)
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def _sami_marked_content(pdf) -> set[tuple[int, int]]:
    """(page index, MCID) of the marked content under a structure element with /Lang se-NO."""
    page_index = {page.objgen: number for number, page in enumerate(pdf.pages)}
    found: set[tuple[int, int]] = set()

    def walk(element, page: int, sami: bool) -> None:
        if isinstance(element, pikepdf.Array):
            for kid in element:
                walk(kid, page, sami)
        elif isinstance(element, int):
            if sami:
                found.add((page, element))
        elif isinstance(element, pikepdf.Dictionary):
            if element.get("/Type") == "/MCR":
                if sami:
                    found.add((page_index[element.Pg.objgen], int(element.MCID)))
                return
            if "/Pg" in element:
                page = page_index[element.Pg.objgen]
            sami = sami or str(element.get("/Lang", "")) == "se-NO"
            if element.get("/K") is not None:
                walk(element.K, page, sami)

    walk(pdf.Root.StructTreeRoot.K, 0, False)
    return found


def _keep_text(pdf, sami_content: set[tuple[int, int]], keep_sami: bool) -> None:
    for number, page in enumerate(pdf.pages):
        inside: list[bool] = []  # per open marked-content sequence: is it Sámi?
        kept = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name == "BDC":
                properties = operands[1]
                mcid = (
                    properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
                )
                own = mcid is not None and (number, int(mcid)) in sami_content
                inside.append(bool(inside and inside[-1]) or own)
            elif name == "BMC":
                inside.append(bool(inside and inside[-1]))
            elif name == "EMC" and inside:
                inside.pop()
            elif name in ("Tj", "TJ", "'", '"') and bool(inside and inside[-1]) != keep_sami:
                continue
            kept.append(pikepdf.ContentStreamInstruction(operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))


# --- The feeds -----------------------------------------------------------------------------------


def _feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/atom+xml"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    return response.get_data(as_text=True), feed


def test_a_measures_feed_carries_its_sami_text_marked_as_sami(client, two_plans):
    raw, feed = _feed(client, f"{PLAN_ONE}/tiltak/1/feed.atom")
    [entry] = feed.entries
    [content] = entry.content  # one content element, as Atom allows
    assert content.type == "application/xhtml+xml"
    # The Norwegian status and text first, then the Sámi part in a div of its own, marked for
    # XML (xml:lang, which Atom uses) and for HTML (lang, which feed readers keep).
    assert content.value.index("Arbeidet er i gang.") < content.value.index(SAMI_NARRATIVE)
    sami = re.search(r'<div lang="se"[^>]*>(.*)</div>', content.value, re.S)
    assert sami and "<strong>Sámegillii</strong>" in sami.group(1)
    assert f"<p>{SAMI_NARRATIVE}</p>" in sami.group(1) and f"<li>{SAMI_ITEM}</li>" in sami.group(1)
    assert "Arbeidet er i gang." not in sami.group(1)
    assert re.search(r'<xhtml:div xml:lang="se" lang="se">', raw)
    assert content.language == "nb"  # the entry itself stays in the feed's language


def test_feeds_without_a_sami_text_stay_as_they_were(client, two_plans):
    for url in (
        f"{PLAN_ONE}/tiltak/2/feed.atom",
        f"{PLAN_ONE}/feed.atom",
        f"{OSLO}/tiltak/1/feed.atom",
        f"{OSLO}/feed.atom",
    ):
        raw, feed = _feed(client, url)
        assert feed.entries, url
        assert {entry.content[0].type for entry in feed.entries} == {"text/html"}, url
        assert "Sámegillii" not in raw and 'lang="se"' not in raw, url


def test_a_sami_text_with_markup_characters_stays_text_in_the_feed(client, two_plans):
    report = db.session.scalars(select(MeasureReport).where(MeasureReport.narrative_se != "")).one()
    report.narrative_se = 'Bargu <script>alert("x")</script> & <b>jođus</b>'
    db.session.commit()
    _raw, feed = _feed(client, f"{PLAN_ONE}/tiltak/1/feed.atom")
    value = feed.entries[0].content[0].value
    assert 'Bargu &lt;script&gt;alert("x")&lt;/script&gt; &amp; &lt;b&gt;jođus&lt;/b&gt;' in value
    assert "<script" not in value and "<b>" not in value


# --- The embeddable cards ------------------------------------------------------------------------


def test_a_card_links_the_sami_text_and_cards_without_one_show_nothing_sami(client, two_plans):
    card = client.get(f"{PLAN_ONE}/tiltak/1/innebygd").get_data(as_text=True)
    assert re.search(
        r'<a class="ds-link" href="/planer/handlingsplan-rasisme-2024-2027/tiltak/1#summary-se"'
        r' target="_top" lang="se">Sámegillii</a>',
        card,
    )
    # The coordinator empties the summary; with only the status's Sámi text, the link goes there.
    measure = db.session.scalars(select(Measure).where(Measure.summary_se != "")).one()
    coordinator = make_user(Role.COORDINATOR, email="koord@example.no", name="Kari Koordinator")
    edit_measure(
        measure,
        measure.version,
        title=measure.title,
        description=measure.description,
        area=measure.area,
        units=list(measure.units),
        author=coordinator,
        summary_se="",
    )
    db.session.commit()
    card = client.get(f"{PLAN_ONE}/tiltak/1/innebygd").get_data(as_text=True)
    assert "/tiltak/1#narrative-se" in card
    for url in (
        f"{PLAN_ONE}/tiltak/2/innebygd",
        f"{PLAN_ONE}/innebygd",
        f"{OSLO}/tiltak/1/innebygd",
        f"{OSLO}/innebygd",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "Sámegillii" not in page and 'lang="se"' not in page, url


# --- The search ----------------------------------------------------------------------------------


def _found(client, url: str) -> tuple[list[int], list[tuple[str, str]]]:
    """The measure numbers a search lists, and each excerpt's language and text."""
    page = client.get(url).get_data(as_text=True)
    numbers = [int(n) for n in re.findall(r'<td data-label="Nr\.">(\d+)</td>', page)]
    excerpts = re.findall(r'<p class="search-excerpt" lang="(\w+)">(.*?)</p>', page, re.S)
    return numbers, excerpts


def test_a_sami_word_finds_the_measure_and_its_excerpt_is_marked_sami(client, two_plans):
    # «doaibmabidjoplánas» is in no Norwegian text: the summary alone holds it. Sámi letters
    # fold like other accents (á → a), so a keyboard without them finds it too.
    for search in ("doaibmabidjoplánas", "DOAIBMABIDJOPLANAS", "doaibma"):
        numbers, excerpts = _found(client, f"{PLAN_ONE}/tiltak?q={search}")
        assert numbers == [1], search
        [(language, text)] = excerpts
        assert language == "se" and "<mark>" in text, search
    # A word of the report's Sámi text (published) finds it too, the excerpt from that text.
    numbers, excerpts = _found(client, f"{PLAN_ONE}/tiltak?q=jorgaluvvon")
    assert numbers == [1] and excerpts[0][0] == "se"
    assert "<mark>jorgaluvvon" in excerpts[0][1]
    # A Norwegian word found in the Norwegian text keeps the Norwegian excerpt.
    numbers, excerpts = _found(client, f"{PLAN_ONE}/tiltak?q=planens")
    assert numbers == [1] and excerpts == [("nb", "<mark>Planens </mark>tekst.")]
    # The municipal plan has no Sámi text: the word finds nothing there.
    assert _found(client, f"{OSLO}/tiltak?q=doaibmabidjoplánas") == ([], [])


def test_the_open_data_page_describes_the_sami_fields(client, two_plans):
    for url, words in (
        (f"{PLAN_ONE}/om-dataene", "Tekster på nordsamisk"),
        (f"{PLAN_ONE}/om-dataene?lang=en", "Texts in Northern Sámi"),
        (f"{OSLO}/om-dataene?lang=nn", "Tekstar på nordsamisk"),
    ):
        page = client.get(url).get_data(as_text=True)
        section = page[page.index(words) :]
        assert "summary_se" in section and "measures_with_sami_text" in section, url
