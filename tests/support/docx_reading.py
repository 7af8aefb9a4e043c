"""Reading a generated DOCX back the way a reader (or Word) sees it, for the export tests.

Texts come back as read: a no-break space as a space, no word joiners (tracker/typography.py);
a test of the no-break characters themselves reads ``paragraph.text``."""

import io
import zipfile
from dataclasses import dataclass

import docx
from docx.oxml.ns import qn

from tracker.typography import as_read

HEADING_STYLES = ("Heading 1", "Heading 2", "Heading 3")


def open_docx(content: bytes):
    return docx.Document(io.BytesIO(content))


def headings(document, levels=HEADING_STYLES) -> list[tuple[str, str]]:
    return [(p.style.name, as_read(p.text)) for p in document.paragraphs if p.style.name in levels]


def paragraph_texts(document) -> list[str]:
    return [as_read(p.text) for p in document.paragraphs]


def table_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            # A merged cell shows up once per grid column it spans; a reader sees it once.
            if not cells or cell._tc is not cells[-1][0]:
                cells.append((cell._tc, as_read(cell.text)))
        rows.append([text for _, text in cells])
    return rows


def repeats_header_row(table) -> bool:
    first = table.rows[0]._tr.trPr
    return first is not None and first.find(qn("w:tblHeader")) is not None


@dataclass
class MeasureSection:
    heading: str
    body: list  # paragraphs between the measure's heading and its report label
    report: list  # paragraphs after the report label («Midtveisrapport»), up to the next heading


def measure_sections(document) -> dict[int, MeasureSection]:
    """Each measure's part of the document, keyed by the number its heading starts with."""
    sections: dict[int, MeasureSection] = {}
    current = None
    target = None
    for paragraph in document.paragraphs:
        style = paragraph.style.name
        if style == "Heading 2" and paragraph.text.split(".")[0].isdigit():
            current = MeasureSection(paragraph.text, [], [])
            sections[int(paragraph.text.split(".")[0])] = current
            target = current.body
        elif style == "Report Label" and current is not None:
            target = current.report
        elif style in HEADING_STYLES:
            current, target = None, None
        elif target is not None:
            target.append(paragraph)
    return sections


def numbering_format(document, paragraph) -> tuple[int, str] | None:
    """The list a numbered paragraph belongs to (numId) and its number format (decimal, ...)."""
    numbering = document.part.numbering_part.element
    numPr = paragraph._p.pPr.numPr if paragraph._p.pPr is not None else None
    if numPr is None:
        return None
    num_id = numPr.numId.val
    num = next(n for n in numbering.findall(qn("w:num")) if int(n.get(qn("w:numId"))) == num_id)
    abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    abstract = next(
        a
        for a in numbering.findall(qn("w:abstractNum"))
        if a.get(qn("w:abstractNumId")) == abstract_id
    )
    return num_id, abstract.find(qn("w:lvl")).find(qn("w:numFmt")).get(qn("w:val"))


def docx_parts(content: bytes) -> dict[str, bytes]:
    """Each part of a .docx by its name: two saves of the same document compare equal, though
    their zip entries carry the second they were written in."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}
