"""The report can go to print untouched: rendered by LibreOffice and read back from the PDF.

Every check reads the files a coordinator would send: the PDF through ``pdftotext -layout`` and
pikepdf, the DOCX through python-docx and its raw XML parts.
"""

import io
import re
import subprocess
import zipfile
from datetime import date

import pikepdf
import pytest
from docx.oxml.ns import qn

from tests.factories import MeasureFactory, PlanFactory, ReportFactory, RoundFactory
from tests.support.docx_reading import open_docx, paragraph_texts, table_rows
from tracker.export import office
from tracker.export.chart import FONT_SIZE, PNG_WIDTH
from tracker.export.colours import contrast
from tracker.export.docx_report import build_midterm_report
from tracker.export.midterm import build
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.measures.queries import areas_with_measures
from tracker.reporting.models import ReportingRound
from tracker.reporting.queries import get_round
from tracker.reporting.states import ReviewState, Status

pytestmark = [
    pytest.mark.skipif(
        office.office_missing_reason() is not None, reason="LibreOffice with python3-uno is needed"
    ),
    # On one pytest-xdist worker: the reports are rendered once for the module.
    pytest.mark.xdist_group("export_print"),
]
LINKED_MEASURES = [4, 7, 8, 12, 13, 14, 15, 19, 28, 29, 35, 42]
TOC_LINE = re.compile(r"^\s*(\S.*?)\s*\.{2,}\s*(\d+)\s*$")


@pytest.fixture(scope="module")
def built():
    """Reports already rendered in this module; the seeded data is the same in every test."""
    return {}


@pytest.fixture
def midterm(seeded, built):
    if "midterm" not in built:
        data = collect_report_data(get_round("midtveis-2025"), generated_on=date(2025, 6, 20))
        built["midterm"] = build(data)
    report = built["midterm"]
    assert report.pdf is not None, report.pdf_missing_reason
    return report


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def _squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _docx_toc(document) -> list[tuple[str, str]]:
    entries = []
    for paragraph in document.paragraphs:
        if paragraph.style.name in ("toc 1", "toc 2"):
            words, _, page = paragraph.text.partition("\t")
            entries.append((words, page))
    return entries


def test_every_toc_entry_names_the_page_its_heading_stands_on(midterm, tmp_path):
    pages = _pages(midterm.pdf, tmp_path)
    toc = _docx_toc(open_docx(midterm.content))
    assert len(toc) == 60  # 5 front sections, 5 areas, 50 measures
    for words, page in toc:
        assert page.isdigit(), words
        # Measure headings stand as "12. Title"; the overview table splits number and title.
        assert _squeezed(words) in _squeezed(pages[int(page) - 1]), (words, page)
    # The PDF's own table of contents shows the same numbers as the DOCX's.
    printed = {}
    for page_text in pages[2:4]:
        for line in page_text.splitlines():
            match = TOC_LINE.match(line)
            if match:
                printed[_squeezed(match.group(1))] = match.group(2)
    docx_pages = {_squeezed(words): page for words, page in toc}
    assert len(printed) > 40
    assert all(
        docx_pages.get(words) == page for words, page in printed.items() if words in docx_pages
    )
    assert sum(words in docx_pages for words in printed) > 40


def test_pdf_bookmarks_are_the_headings_on_their_pages(midterm):
    pdf = pikepdf.open(io.BytesIO(midterm.pdf))
    page_numbers = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}
    toc = dict(_docx_toc(open_docx(midterm.content)))
    bookmarks = {}
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            bookmarks[str(item.title)] = page_numbers[item.destination[0].objgen]
            stack.extend(item.children)
    assert len(bookmarks) == len(toc)
    assert {title: str(page) for title, page in bookmarks.items()} == toc


def test_pdf_is_tagged_in_norwegian_with_a_title(midterm):
    pdf = pikepdf.open(io.BytesIO(midterm.pdf))
    root = pdf.Root
    assert "/StructTreeRoot" in root
    assert root.StructTreeRoot.get("/K") is not None
    assert str(root.Lang) == "nb-NO"
    assert bool(root.MarkInfo.Marked) is True
    title = "Midtveisrapport – Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027"
    assert str(pdf.docinfo.Title) == title
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    with pdf.open_metadata() as metadata:
        assert metadata.get("pdfuaid:part") == "1"
        assert metadata.get("dc:title") == title


def test_the_docx_keeps_words_page_count_field_where_the_pdf_prints_the_number(midterm, tmp_path):
    # LibreOffice gets the page count as a mark it replaces (a NUMPAGES field made a long
    # report's layout quadratic); the DOCX a person downloads keeps Word's own field.
    footer = open_docx(midterm.content).sections[0].footer._element.xml
    assert " PAGE " in footer and " NUMPAGES " in footer
    with zipfile.ZipFile(io.BytesIO(midterm.content)) as package:
        assert not any(
            office.PAGE_COUNT_MARK.encode() in package.read(name) for name in package.namelist()
        )
    pages = _pages(midterm.pdf, tmp_path)
    assert f"Side 2 av {len(pages)}" in pages[1]
    assert not any(office.PAGE_COUNT_MARK in text for text in pages)


def test_the_title_page_has_no_page_number_and_the_others_do(midterm, tmp_path):
    pages = _pages(midterm.pdf, tmp_path)
    assert "Side" not in pages[0]
    assert "Arbeids- og inkluderingsdepartementet" in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Side {number} av {len(pages)}" in text


def test_links_sit_on_their_words_in_docx_and_pdf(midterm, plan_data):
    document = open_docx(midterm.content)
    urls = {rel.rId: rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    links = [  # links out of the document (the table of contents links to headings inside it)
        link
        for link in document.element.body.findall(".//" + qn("w:hyperlink"))
        if link.get(qn("r:id"))
    ]
    targets = {urls[link.get(qn("r:id"))] for link in links}
    source_urls = set(re.findall(r"\]\((https?://[^)]+)\)", str(plan_data)))
    assert len(source_urls) == len(LINKED_MEASURES)
    assert targets == source_urls
    # The link's words, not its address, are what a reader sees.
    words = {"".join(t.text for t in link.iter(qn("w:t"))) for link in links}
    assert "Staten har lavest andel innvandrere (ssb.no)" in words
    assert not any(word.startswith("http") for word in words)
    assert [p for p in paragraph_texts(document) if re.fullmatch(r"\s*https?://\S+\s*", p)] == []
    pdf = pikepdf.open(io.BytesIO(midterm.pdf))
    pdf_urls = {
        str(annotation.A.URI)
        for page in pdf.pages
        for annotation in page.obj.get("/Annots", [])
        if annotation.get("/A") is not None and "/URI" in annotation.A
    }
    assert pdf_urls == source_urls


def _background(run_element) -> str:
    cell = next((a for a in run_element.iterancestors() if a.tag == qn("w:tc")), None)
    shading = cell.find(f"{qn('w:tcPr')}/{qn('w:shd')}") if cell is not None else None
    fill = shading.get(qn("w:fill")) if shading is not None else None
    return fill if fill and fill != "auto" else "FFFFFF"


def test_every_text_colour_reaches_4_5_to_1_on_its_background(midterm):
    document = open_docx(midterm.content)
    parts = [document.element.body] + [
        part._element
        for section in document.sections
        for part in (section.header, section.footer, section.first_page_header)
    ]
    checked = 0
    for part in parts:
        for run in part.iter(qn("w:r")):
            colour = run.find(f"{qn('w:rPr')}/{qn('w:color')}")
            if colour is not None and colour.get(qn("w:val")) != "auto":
                checked += 1
                assert contrast(colour.get(qn("w:val")), _background(run)) >= 4.5
    for style in document.styles.element.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table":
            continue  # light text on the table style's own dark shading
        for colour in style.iter(qn("w:color")):
            value = colour.get(qn("w:val"))
            if value != "auto":
                checked += 1
                assert contrast(value) >= 4.5, style.get(qn("w:styleId"))
                assert colour.get(qn("w:themeColor")) is None
    assert checked > 10


def test_heading_levels_are_visibly_distinct(midterm):
    styles = open_docx(midterm.content).styles
    sizes = [styles[name].font.size.pt for name in ("Title", "Heading 1", "Heading 2")]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 3
    assert styles["Report Label"].font.size.pt < sizes[-1]


def test_file_properties_are_set_and_nothing_of_the_template_is_left(midterm):
    document = open_docx(midterm.content)
    properties = document.core_properties
    assert properties.author == "Arbeids- og inkluderingsdepartementet"
    assert properties.subject.startswith("Handlingsplan mot rasisme")
    assert properties.language == "nb-NO"
    assert "python-docx" not in (properties.comments + properties.author + properties.title)
    package = zipfile.ZipFile(io.BytesIO(midterm.content))
    names = package.namelist()
    assert not any("thumbnail" in n or n.startswith("customXml") for n in names)
    assert "word/stylesWithEffects.xml" not in names
    app = package.read("docProps/app.xml").decode()
    assert "Microsoft" not in app and "Normal.dotm" not in app
    assert "<Company>Arbeids- og inkluderingsdepartementet</Company>" in app
    settings = package.read("word/settings.xml").decode()
    # Word 2013 and later open it without "compatibility mode".
    assert re.search(r'w:name="compatibilityMode"[^>]*w:val="15"', settings)
    # The table of contents is filled: Word does not ask the reader to update fields.
    assert "updateFields" not in settings
    assert 'w:dirty="true"' not in package.read("word/document.xml").decode()


def test_draft_appendix_lists_the_reconciliations_from_the_notes(seeded, plan_data):
    data = collect_report_data(get_round("midtveis-2025"), draft=True)
    texts = paragraph_texts(open_docx(build_midterm_report(data)))
    start = texts.index("Vedlegg: Merknader om kildegrunnlaget")
    appendix = texts[start:]
    noted = [m for m in plan_data["measures"] if m["note"]]
    assert {12, 19, 26, 33, 34, 35, 36, 45} <= {m["number"] for m in noted}
    for measure in noted:
        assert f"Tiltak {measure['number']}. {measure['title']}" in appendix
        assert measure["note"] in appendix
    # The plan's own note: ten ministries where the source says seven.
    assert plan_data["plan"]["note"] in appendix and "syv" in plan_data["plan"]["note"]


def test_chart_text_is_at_least_9_pt_in_print(midterm):
    picture = open_docx(midterm.content).inline_shapes[0]
    points_per_pixel = picture.width.pt / PNG_WIDTH
    assert FONT_SIZE * points_per_pixel >= 9


def _open_unpublished_round_with_three_reports() -> ReportingRound:
    """The final round, still open: three measures approved, 47 carrying their published
    status, and a measure added later that was never reported."""
    later = RoundFactory(slug="sluttrapport-2027", title="Sluttrapport", as_of=date(2027, 6, 1))
    areas = areas_with_measures(PlanFactory())
    measures = {m.number: m for area in areas for m in area.measures}
    MeasureFactory(plan=PlanFactory(), area=areas[0], number=51)
    for number in (1, 2, 3):
        ReportFactory(
            round=later,
            measure=measures[number],
            status=Status.COMPLETED,
            narrative=f"Tiltak {number} er fullført.",
            review_state=ReviewState.APPROVED,
        )
    db.session.commit()
    return later


def test_final_report_of_an_unpublished_round_is_marked_and_its_headers_keep_words_whole(
    seeded, tmp_path
):
    later = _open_unpublished_round_with_three_reports()
    report = build(collect_report_data(later, include_changes=True))
    document = open_docx(report.content)
    assert document.sections[0].header.paragraphs[0].text.startswith("IKKE PUBLISERT")
    assert "IKKE PUBLISERT – runden er ikke publisert" in paragraph_texts(document)[:6]
    assert table_rows(document.tables[0])[0][4] == "Ikke rapportert"
    pages = _pages(report.pdf, tmp_path)
    assert all("IKKE PUBLISERT" in page for page in pages)
    summary = next(page for page in pages if "Status per område" in page and "Totalt" in page)
    header_line = next(line for line in summary.splitlines() if "Område" in line)
    # Every column header word is whole on the header's first line: no word broke apart.
    for word in ("Gjennomført", "Pågående", "Ikke", "Totalt"):
        assert re.search(rf"\b{word}\b", header_line), header_line
    assert re.search(r"\brapportert\b", summary)
    # Only the three measures that changed are counted in the changes appendix.
    texts = paragraph_texts(document)
    assert "3 tiltak har endret status eller tekst siden forrige publiserte rapport." in texts


def test_published_final_report_is_not_marked(midterm, tmp_path):
    assert not any("IKKE PUBLISERT" in page for page in _pages(midterm.pdf, tmp_path))


def test_without_libreoffice_the_docx_still_builds_and_says_why(seeded, monkeypatch):
    office.stop()
    monkeypatch.setenv("TRACKER_UNO_PYTHON", "/nonexistent/python3")
    report = build(collect_report_data(get_round("midtveis-2025")), with_chart=False)
    office.stop()
    assert report.pdf is None
    assert "python3-uno" in report.pdf_missing_reason
    document = open_docx(report.content)
    assert _docx_toc(document)[0] == ("Om rapporten", "")


MONTHS = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"


def test_no_line_breaks_inside_dates_periods_or_amounts(midterm, tmp_path):
    document_xml = zipfile.ZipFile(io.BytesIO(midterm.content)).read("word/document.xml").decode()
    assert "1.\u00a0juni\u00a02025" in document_xml
    assert "2024\u2060–\u20602027" in document_xml
    text = "\n".join(
        line.strip() for page in _pages(midterm.pdf, tmp_path) for line in page.splitlines()
    )
    assert not re.search(r"\b\d{4}[–-]\n\d{4}", text)  # «2024–» | «2027»
    assert not re.search(rf"\b\d{{1,2}}\.\n({MONTHS})\b", text)  # «1.» | «juni 2025»
    assert not re.search(rf"\b({MONTHS})\n\d{{4}}\b", text)  # «juni» | «2025»
