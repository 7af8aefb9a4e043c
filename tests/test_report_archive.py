"""The PDF goes to the archive and to screen readers: PDF/A-2b and PDF/UA, read back with
pikepdf (identification, XMP, fonts, structure), and a DOCX Word opens without questions."""

import io
import re
import subprocess
import zipfile
from datetime import date

import pikepdf
import pytest
from docx.oxml.ns import qn
from pikepdf import Name

from tests.support.docx_reading import open_docx
from tracker.export import office
from tracker.export.midterm import build
from tracker.export.report_data import collect_report_data
from tracker.reporting.queries import get_round

pytestmark = [
    pytest.mark.skipif(
        office.office_missing_reason() is not None, reason="LibreOffice with python3-uno is needed"
    ),
    # On one pytest-xdist worker: the report is built once for the module.
    pytest.mark.xdist_group("report_archive"),
]
OWNER = "Arbeids- og inkluderingsdepartementet"
TITLE = "Midtveisrapport – Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027"


@pytest.fixture(scope="module")
def built():
    return {}


@pytest.fixture
def report(seeded, built):
    """One LibreOffice build for the whole module."""
    if "report" not in built:
        data = collect_report_data(get_round("midtveis-2025"), generated_on=date(2025, 6, 20))
        built["report"] = build(data)
    assert built["report"].pdf is not None, built["report"].pdf_missing_reason
    return built["report"]


def _elements(node, kind):
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, pikepdf.Array):
            stack.extend(reversed(list(current)))
        elif isinstance(current, pikepdf.Dictionary):
            if current.get("/S") == Name(kind):
                yield current
            if "/K" in current:
                stack.append(current.K)


def _kids(element):
    kids = element.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def test_pdf_is_pdfa_2b_and_pdfua_with_title_author_language_and_date(report):
    pdf = pikepdf.open(io.BytesIO(report.pdf))
    with pdf.open_metadata() as xmp:
        assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("2", "B")
        assert xmp.get("pdfuaid:part") == "1"
        assert xmp.get("dc:title") == TITLE
        assert xmp.get("dc:creator") == [OWNER]
        assert set(xmp.get("dc:language")) == {"nb-NO"}
        assert list(xmp.get("dc:date")) == ["2025-06-20"]
    assert str(pdf.Root.Lang) == "nb-NO"
    assert str(pdf.Root.OutputIntents[0].S) == "/GTS_PDFA1"  # PDF/A's colour intent
    assert bool(pdf.Root.MarkInfo.Marked)


def test_every_font_is_embedded(report):
    pdf = pikepdf.open(io.BytesIO(report.pdf))
    fonts = {}
    for page in pdf.pages:
        for font in page.Resources.get("/Font", {}).values():
            fonts[str(font.get("/BaseFont"))] = font
    assert fonts
    for base_name, font in fonts.items():
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.FontDescriptor
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), (
            base_name
        )


def test_tabs_are_the_name_s_and_lists_have_labels_with_real_bullets(report, tmp_path):
    pdf = pikepdf.open(io.BytesIO(report.pdf))
    assert all(page.obj.Tabs == Name.S for page in pdf.pages)
    items = list(_elements(pdf.Root.StructTreeRoot, "/LI"))
    assert len(items) >= 20
    for item in items:
        assert [kid.S for kid in _kids(item)] == [Name.Lbl, Name.LBody]
    # The parent tree knows each label: a reader asking "what is this bullet" gets Lbl.
    labels = {label.objgen for label in _elements(pdf.Root.StructTreeRoot, "/Lbl")}
    in_tree = set()
    stack = [pdf.Root.StructTreeRoot.ParentTree]
    while stack:
        node = stack.pop()
        stack.extend(node.get("/Kids", []))
        numbers = node.get("/Nums", [])
        for value in list(numbers)[1::2]:
            if isinstance(value, pikepdf.Array):
                in_tree |= {v.objgen for v in value if isinstance(v, pikepdf.Dictionary)}
    assert labels <= in_tree
    path = tmp_path / "rapport.pdf"
    path.write_bytes(report.pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert "•" in text and "\uf0b7" not in text
    numbering = zipfile.ZipFile(io.BytesIO(report.content)).read("word/numbering.xml").decode()
    assert "\uf0b7" not in numbering and "Symbol" not in numbering


def test_table_headers_are_th_with_scope_including_the_area_rows(report):
    pdf = pikepdf.open(io.BytesIO(report.pdf))
    headers = list(_elements(pdf.Root.StructTreeRoot, "/TH"))
    scopes = []
    for header in headers:
        attributes = header.A if isinstance(header.A, pikepdf.Array) else [header.A]
        scopes.append(next(a.Scope for a in attributes if a.get("/O") == Name.Table))
    assert Name.Column in scopes and Name.Row in scopes
    for table in _elements(pdf.Root.StructTreeRoot, "/Table"):
        for row in _elements(table, "/TR"):
            cells = [c for c in _kids(row) if isinstance(c, pikepdf.Dictionary)]
            assert cells[0].S == Name.TH  # a column's head, an area's row or a row's name
    # Five area rows span the list of all measures: each is a header cell of its own.
    single = [
        row
        for table in _elements(pdf.Root.StructTreeRoot, "/Table")
        for row in _elements(table, "/TR")
        if len([c for c in _kids(row) if isinstance(c, pikepdf.Dictionary)]) == 1
    ]
    assert len(single) == 5 and all(_kids(row)[0].S == Name.TH for row in single)


def test_docx_opens_without_questions_and_its_contents_link_to_the_headings(report):
    package = zipfile.ZipFile(io.BytesIO(report.content))
    for name in package.namelist():
        if name.endswith(".xml"):
            assert "w:dirty" not in package.read(name).decode(), name
    settings = package.read("word/settings.xml").decode()
    assert "proofState" not in settings and "updateFields" not in settings
    document = open_docx(report.content)
    body = document.element.body
    bookmarks = {b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))}
    entries = [p for p in document.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert len(entries) == 60
    for entry in entries:
        links = entry._p.findall(qn("w:hyperlink"))
        assert len(links) == 1 and links[0].get(qn("w:anchor")) in bookmarks
    # The first entry links to the first heading.
    first_anchor = entries[0]._p.find(qn("w:hyperlink")).get(qn("w:anchor"))
    heading = next(p for p in document.paragraphs if p.style.name == "Heading 1")
    assert heading._p.find(qn("w:bookmarkStart")).get(qn("w:name")) == first_anchor
    assert heading.text == "Om rapporten"


def test_report_command_writes_docx_and_archive_pdf_from_one_run(seeded, runner, tmp_path):
    """In nynorsk, too: the PDF's language follows the frame's."""
    output = tmp_path / "arkiv.docx"
    result = runner.invoke(
        args=["report", "--round", "midtveis-2025", "--format", "docx", "--format", "pdfa"]
        + ["--language", "nn", "--no-chart", "--output", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert re.search(r"Skrev .*arkiv\.docx", result.output)
    assert re.search(r"Skrev .*arkiv\.pdf", result.output)
    with pikepdf.open(tmp_path / "arkiv.pdf") as pdf:
        assert str(pdf.Root.Lang) == "nn-NO"
        with pdf.open_metadata() as xmp:
            assert xmp.get("pdfaid:part") == "2" and xmp.get("pdfuaid:part") == "1"
            assert set(xmp.get("dc:language")) == {"nn-NO"}
    # The DOCX of the same run carries the page numbers that PDF's layout gave.
    entries = [p for p in open_docx(output.read_bytes()).paragraphs if p.style.name == "toc 1"]
    assert entries[0].text.endswith("\t5")
