"""The report's document: its frame (A4 page, nb-NO, Arial, dark heading styles, properties,
header and footer) and the blocks the content is built of (paragraphs, headings, labelled
values, narrative text, tables, the chart, the table of contents field). No report content
here (tracker/export/docx_report.py) and no hand-written XML (tracker/export/ooxml.py).

Spacing comes from styles, never from empty paragraphs. Every text passes through ``xml_safe``
first, so no saved text can make the document invalid.
"""

import io
from collections.abc import Callable, Sequence
from copy import deepcopy
from datetime import date, datetime, time
from functools import partial

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from lxml import etree

from tracker import narrative
from tracker.export import ooxml
from tracker.export.ooxml import xml_safe
from tracker.export.report_language import _
from tracker.i18n import TIMEZONE
from tracker.typography import as_read, keep_together

LANGUAGE = "nb-NO"
BODY_FONT = "Arial"
CONTENT_WIDTH = Cm(16)  # A4 (21 cm) minus 2.5 cm margins
HEADER_FILL = "D9E2F3"
AREA_FILL = "F2F2F2"
DRAFT_COLOUR = RGBColor(0xB0, 0x00, 0x20)
LINK_COLOUR = RGBColor(0x1F, 0x4E, 0x9A)
# Dark navy for headings (11.9:1 on white) and near-black grey for secondary text (10.4:1).
HEADING_COLOUR = RGBColor(0x1F, 0x38, 0x64)
SECONDARY_COLOUR = RGBColor(0x40, 0x40, 0x40)
CHART_WIDTH = Cm(15)  # chart.FONT_SIZE is chosen for this width
REPORT_LABEL = "Report Label"
APPLICATION = "tracker – statusrapportering for handlingsplanen"
# The styles the report uses, by name: python-docx's template has all but the label and the
# table of contents' levels, which the document adds.
STYLE_NAMES = (
    "Title",
    "Subtitle",
    "Heading 1",
    "Heading 2",
    "Heading 3",
    "Normal",
    "Table Text",
    "List Bullet",
    "List Number",
    "Caption",
    "TOC Heading",
    "toc 1",
    "toc 2",
)
# name, size (pt), bold, colour, space before and after (pt)
TYPOGRAPHY = (
    ("Title", 28, True, HEADING_COLOUR, 0, 12),
    ("Subtitle", 14, False, SECONDARY_COLOUR, 0, 6),
    ("TOC Heading", 20, True, HEADING_COLOUR, 0, 12),
    ("Heading 1", 20, True, HEADING_COLOUR, 12, 10),
    ("Heading 2", 14, True, HEADING_COLOUR, 16, 4),
    ("Heading 3", 12, True, SECONDARY_COLOUR, 8, 2),
    (REPORT_LABEL, 11, True, HEADING_COLOUR, 8, 2),
    ("Caption", 9.5, False, SECONDARY_COLOUR, 4, 12),
)


class ReportDocument:
    """A python-docx document set up as the report's, with the blocks content is made of.

    ``marking`` (e.g. ("UTKAST", "inneholder tekster som ikke er godkjent")) goes in bold red
    at the top of every page; None for the published report.
    """

    def __init__(
        self,
        *,
        language: str = "nb-NO",
        title: str,
        subject: str,
        author: str,
        generated_on: date,
        draft: bool,
        marking: tuple[str, str] | None,
    ) -> None:
        self.language = language  # the frame's; narratives may be tagged otherwise
        self.document = Document()
        self.section_end = self.document.element.body.sectPr
        self.styles: dict[str, ParagraphStyle] = {}  # by name; every one a paragraph style
        self.widths: Sequence[Length] = ()
        self.list_numbering = ooxml.ListNumbering(self.document)
        self.toc_headings = 0  # headings bookmarked so far, for the table of contents' links
        self.toc_entries: list = []  # (paragraph, link, text) of each table of contents entry
        self.toc_bookmarks: list = []  # (start, end) of each heading's bookmark
        self._set_up_page()
        self._set_up_language_and_styles()
        self._set_up_properties(title, subject, author, generated_on, draft)
        self._set_up_header_and_footer(marking)

    # -- the frame --------------------------------------------------------------------------

    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
            setattr(section, side, Cm(2.5))

    def _set_up_language_and_styles(self) -> None:
        styles_element = self.document.styles.element
        defaults = (
            styles_element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        )
        # Named fonts instead of theme fonts: Word has Arial everywhere, and LibreOffice maps it
        # to a metric-compatible sans (theme fonts made it fall back to a serif).
        for fonts in styles_element.iter(qn("w:rFonts")):
            for attribute in list(fonts.attrib):
                if attribute.endswith("Theme") or attribute.endswith("theme"):
                    del fonts.attrib[attribute]
        default_fonts = defaults.find(qn("w:rFonts"))
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            default_fonts.set(qn(attribute), BODY_FONT)
        lang = defaults.find(qn("w:lang"))
        for attribute in ("w:val", "w:eastAsia"):
            lang.set(qn(attribute), self.language)
        settings = self.document.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), self.language)
        # Word refreshes the table of contents and page count when the document is opened
        # (dropped again when LibreOffice's page numbers fill the table of contents).
        settings.append(parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))
        for level in (1, 2):
            style = self.document.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.element.set(qn("w:styleId"), f"TOC{level}")
            style.base_style = self.document.styles["Normal"]
            # Hanging indents: a long entry's second line starts under its words, not under
            # its number, and level 2 sits inside level 1.
            style.paragraph_format.left_indent = Cm(0.6 + 1.0 * (level - 1))
            style.paragraph_format.first_line_indent = Cm(-0.6)
            style.paragraph_format.space_after = Pt(2)
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(11)
        table_text = self.document.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = normal
        table_text.font.size = Pt(10)
        table_text.paragraph_format.space_before = Pt(1)
        table_text.paragraph_format.space_after = Pt(1)
        table_text.paragraph_format.line_spacing = 1.0
        for name in STYLE_NAMES:
            self.styles[name] = self.document.styles[name]
        self._set_up_typography()

    def _set_up_typography(self) -> None:
        """Distinct heading levels in dark colours; no style keeps a pale theme colour."""
        label = self.document.styles.add_style(REPORT_LABEL, WD_STYLE_TYPE.PARAGRAPH)
        label.element.set(qn("w:styleId"), "ReportLabel")
        label.base_style = self.styles["Normal"]
        label.next_paragraph_style = self.styles["Normal"]
        self.styles[REPORT_LABEL] = label
        for name, size, bold, colour, before, after in TYPOGRAPHY:
            style = self.styles[name]
            style.font.size = Pt(size)
            style.font.bold = bold
            style.font.italic = name == "Caption"
            style.font.color.rgb = colour
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(after)
        # Title's and Subtitle's letter spacing and border belong to Word 2010's template look.
        for name in ("Title", "Subtitle"):
            run_properties = self.styles[name].element.rPr
            for element in run_properties.findall(qn("w:spacing")) + run_properties.findall(
                qn("w:iCs")
            ):
                run_properties.remove(element)
            paragraph_properties = self.styles[name].element.pPr
            if (
                paragraph_properties is not None
                and paragraph_properties.find(qn("w:pBdr")) is not None
            ):
                paragraph_properties.remove(paragraph_properties.find(qn("w:pBdr")))
        # A measure's heading and the report label stay with the text that follows them.
        for name in ("Heading 1", "Heading 2", "Heading 3", REPORT_LABEL):
            self.styles[name].paragraph_format.keep_with_next = True
        for level in (1, 2):
            self.styles[f"toc {level}"].paragraph_format.tab_stops.add_tab_stop(
                CONTENT_WIDTH, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS
            )
        # Word's own character style for links. LibreOffice exports a DOCX link to the PDF
        # only when its run has a character style, so every link run gets this one.
        link = self.document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        link.font.color.rgb = LINK_COLOUR
        link.font.underline = True
        self.styles["toc 1"].font.bold = True
        self.styles["toc 1"].paragraph_format.space_before = Pt(6)
        ooxml.darken_pale_style_colours(self.document.styles.element, str(HEADING_COLOUR))

    def _set_up_properties(
        self, title: str, subject: str, author: str, generated_on: date, draft: bool
    ) -> None:
        properties = self.document.core_properties
        properties.title = xml_safe(title, single_line=True)
        properties.subject = xml_safe(subject, single_line=True)
        properties.author = xml_safe(author, single_line=True)
        properties.last_modified_by = properties.author
        properties.language = self.language
        properties.keywords = _("UTKAST") if draft else ""
        generated = datetime.combine(generated_on, time(12), TIMEZONE)
        properties.created = properties.modified = generated.replace(tzinfo=None)
        properties.revision = 1
        # python-docx's template says "generated by python-docx" and names Word 2010 as the maker.
        properties.comments = ""
        properties.category = ""
        properties.content_status = _("Utkast") if draft else ""
        ooxml.replace_template_leftovers(
            self.document, properties.title, properties.author, APPLICATION
        )

    def _set_up_header_and_footer(self, marking: tuple[str, str] | None) -> None:
        section = self.document.sections[0]
        # The title page has a header and footer of its own: no page number on it.
        section.different_first_page_header_footer = True
        section.first_page_footer.is_linked_to_previous = False  # an empty footer of its own
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(_("Side") + " ")
        ooxml.add_simple_field(footer, "PAGE", "1")
        footer.add_run(" " + _("av") + " ")
        before = len(footer._p)
        ooxml.add_simple_field(footer, "NUMPAGES", "1")
        self.page_count_field = (footer._p, before, footer._p[before:])
        if marking is not None:
            for header in (section.header, section.first_page_header):
                paragraph = header.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                run = paragraph.add_run(marking[0])
                run.bold = True
                run.font.size = Pt(14)
                run.font.color.rgb = DRAFT_COLOUR
                note = paragraph.add_run(" – " + marking[1])
                note.font.color.rgb = DRAFT_COLOUR
        # Headers before footers, each default before first, as Word writes them: LibreOffice
        # 25.2 gave a draft's title page the other pages' footer (its page number) when the
        # first page's footer came before the default one, as python-docx added them.
        references = [
            element
            for element in self.section_end
            if element.tag in (qn("w:headerReference"), qn("w:footerReference"))
        ]
        for element in references:
            self.section_end.remove(element)
        references.sort(
            key=lambda e: (e.tag == qn("w:footerReference"), e.get(qn("w:type")) != "default")
        )
        for position, element in enumerate(references):
            self.section_end.insert(position, element)

    # -- blocks -----------------------------------------------------------------------------

    def paragraph(self, text: str = "", style: str = "Normal") -> Paragraph:
        """A new paragraph at the end of the body (appended directly: O(1) for huge reports)."""
        element = OxmlElement("w:p")
        self.section_end.addprevious(element)
        paragraph = Paragraph(element, self.document._body)
        if style != "Normal":
            self.set_style(paragraph, style)
        if text:
            ooxml.add_text(paragraph, text)
        return paragraph

    def set_style(self, paragraph: Paragraph, style: str) -> None:
        ooxml.set_paragraph_style(paragraph, self.styles[style].style_id)

    def heading(self, text: str, level: int, *, new_page: bool = False) -> Paragraph:
        paragraph = self.paragraph(xml_safe(text, single_line=True), f"Heading {level}")
        if new_page:
            paragraph.paragraph_format.page_break_before = True
        if level <= TOC_LEVELS:
            # The n-th heading is the n-th entry of the table of contents, which links here.
            self.toc_headings += 1
            self.toc_bookmarks.append(
                ooxml.add_bookmark(paragraph, toc_anchor(self.toc_headings), self.toc_headings)
            )
        return paragraph

    def labelled(self, label: str, value: str) -> Paragraph:
        """ "Status: Pågående", with the label in bold."""
        paragraph = self.paragraph()
        ooxml.add_run(paragraph, label + ": ", bold=True)
        ooxml.add_text(paragraph, xml_safe(value, single_line=True))
        return paragraph

    def blocks(self, text: str, language: str | None = None) -> None:
        """Narrative text as real paragraphs and real Word lists, in ``language`` (e.g. nn-NO)."""
        for block in narrative.parse(xml_safe(text)):
            if isinstance(block, narrative.Paragraph):
                self.in_language(self.paragraph(block.text), language)
                continue
            num_id = self.list_numbering.new_list(block.kind) if block.numbered else None
            for item in block.items:
                paragraph = self.paragraph(item, "List Number" if block.numbered else "List Bullet")
                if num_id is not None:
                    ooxml.set_numbering(paragraph, num_id)
                self.in_language(paragraph, language)

    def in_language(self, paragraph: Paragraph, language: str | None) -> None:
        if language and language != self.language:  # the document's own is the default
            ooxml.set_language(paragraph, language)

    def end_section(self, last: Paragraph, *, title_page: bool = False, bottom: bool = False):
        """End a section with ``last``; what follows starts on a new page. The section is the
        title page (its own header and footer: no page number) or, with ``bottom``, its text
        stands at the foot of the page (the colophon on the title page's back). The pages after
        the title page's section have no title page of their own."""
        properties = deepcopy(self.section_end)
        for element in properties.findall(qn("w:titlePg")) + properties.findall(qn("w:vAlign")):
            properties.remove(element)
        grid = properties.find(qn("w:docGrid"))
        added = []
        if bottom:
            added.append(parse_xml(f'<w:vAlign {nsdecls("w")} w:val="bottom"/>'))
        if title_page:
            added.append(OxmlElement("w:titlePg"))
        for element in added:
            if grid is not None:
                grid.addprevious(element)
            else:
                properties.append(element)
        last._p.get_or_add_pPr().append(properties)
        if not title_page:
            for element in self.section_end.findall(qn("w:titlePg")):
                self.section_end.remove(element)

    def table(self, widths: Sequence[Length]) -> Table:
        table = self.document.add_table(rows=0, cols=len(widths))
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=False):
            column.width = width
        self.widths = widths
        return table

    def row(
        self,
        table: Table,
        values: list[str],
        *,
        header: bool = False,
        bold: bool = False,
        fill: str | None = None,
        align_right_from: int | None = None,
    ) -> _Row:
        """A row of ``values``, one cell a column, each as wide as its column. Written with lxml
        (python-docx's ``add_row`` and cell setters search the schema for every element: most
        of a 5,000-measure report's time went into its table of all measures)."""
        row = etree.SubElement(table._tbl, qn("w:tr"))
        row_properties = etree.SubElement(row, qn("w:trPr"))
        etree.SubElement(row_properties, qn("w:cantSplit"))
        if header:
            # Word and LibreOffice repeat this row at the top of every page the table spans.
            etree.SubElement(row_properties, qn("w:tblHeader"))
        style_id = self.styles["Table Text"].style_id
        grid = table._tbl.tblGrid.findall(qn("w:gridCol"))
        for index, (value, column) in enumerate(zip(values, grid, strict=False)):
            cell = etree.SubElement(row, qn("w:tc"))
            cell_properties = etree.SubElement(cell, qn("w:tcPr"))
            etree.SubElement(
                cell_properties,
                qn("w:tcW"),
                {qn("w:type"): "dxa", qn("w:w"): column.get(qn("w:w"))},
            )
            if fill or header:
                ooxml.shade_properties(cell_properties, fill or HEADER_FILL)
            paragraph = Paragraph(etree.SubElement(cell, qn("w:p")), _Cell(cell, table))
            ooxml.set_paragraph_style(paragraph, style_id)
            if align_right_from is not None and index >= align_right_from:
                etree.SubElement(paragraph._p.pPr, qn("w:jc"), {qn("w:val"): "right"})
            ooxml.add_text(paragraph, xml_safe(value, single_line=True), bold=bold or header)
        return _Row(row, table)

    def spanning_row(self, table: Table, text: str, fill: str) -> _Row:
        """A row with one cell across the table, e.g. an area's name in the overview."""
        row = self.row(table, [text] + [""] * (len(self.widths) - 1), bold=True, fill=fill)
        merged = row.cells[0].merge(row.cells[-1])
        # The merge keeps one paragraph per merged cell; only the first holds text.
        for extra in merged.paragraphs[1:]:
            extra._element.getparent().remove(extra._element)
        ooxml.keep_with_next(merged.paragraphs[0])
        return row

    def picture(self, png: bytes, *, title: str, description: str) -> Paragraph:
        """An image across the text width, with the alt text screen readers read."""
        paragraph = self.paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        ooxml.keep_with_next(paragraph)
        shape = paragraph.add_run().add_picture(io.BytesIO(png), width=CHART_WIDTH)
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", xml_safe(description, single_line=True))
        doc_pr.set("title", title)
        return paragraph

    def table_of_contents(self, heading: str, entries: list[tuple[int, str]]) -> None:
        """A TOC field whose result is pre-filled with ``entries`` (level, text), each linking
        to its heading: the list is right without updating fields. The page numbers come
        later, from a layout (``fill_table_of_contents``)."""
        title = self.paragraph(heading, "TOC Heading")
        title.paragraph_format.page_break_before = True
        first = self.paragraph(style="toc 1")
        ooxml.field_begin(first, r'TOC \o "1-2" \h \z \u')
        paragraphs = [first] + [
            self.paragraph(style=f"toc {level}") for level, _text in entries[1:]
        ]
        for number, (paragraph, (level, text)) in enumerate(
            zip(paragraphs, entries, strict=False), start=1
        ):
            self.set_style(paragraph, f"toc {level}")
            link = ooxml.add_internal_link(paragraph, toc_anchor(number), [keep_together(text)])
            self.toc_entries.append((paragraph, link, text))
        ooxml.field_end(paragraphs[-1])

    def fill_table_of_contents(self, pages: dict[str, list[str]]) -> None:
        """Each entry's page number, as a layout gave them (``pages``: by ``toc_key`` of the
        text, in order where a title repeats). In the document already built: a second build
        of a 5,000-measure report only for its table of contents cost as much as the first."""
        if not pages:
            return
        # Filled: Word need not ask the reader to update fields on opening.
        settings = self.document.settings.element
        for update in settings.findall(qn("w:updateFields")):
            settings.remove(update)
        for paragraph, link, text in self.toc_entries:
            page = pages.get(toc_key(text))
            if page:
                ooxml.add_to_link(paragraph, link, page.pop(0))

    def to_bytes(self, *, page_count: str | None = None, for_layout: bool = False) -> bytes:
        """The .docx file. ``page_count``: a text in place of the footer's NUMPAGES field
        (in this file only), for LibreOffice, which writes the number itself
        (``office.PAGE_COUNT_MARK``): with the field, its layout time grew with the square of
        the pages (34 s instead of 12 s to open a report of 1,000 measures).

        ``for_layout``: the copy LibreOffice lays out, without the table of contents' links
        and the headings' bookmarks they point to. LibreOffice's update of the table of
        contents replaces the entries with its own, linked to the headings all the same; the
        imported links and bookmarks only slowed opening (5,000 measures in LibreOffice 25.2:
        87 s with them, 60 s without).
        """
        footer, position, field = self.page_count_field
        if page_count is not None:
            for element in field:
                footer.remove(element)
            text = ooxml.new_run(footer, page_count)
            footer.insert(position, text)
        undo = self._prepare_for_layout() if for_layout else []
        try:
            buffer = io.BytesIO()
            self.document.save(buffer)
            return buffer.getvalue()
        finally:
            for step in reversed(undo):
                step()
            if page_count is not None:
                footer.remove(text)
                for offset, element in enumerate(field):
                    footer.insert(position + offset, element)

    def _prepare_for_layout(self) -> list[Callable[[], None]]:
        """Unwrap each entry's link (its runs stay), give it a stand-in page number, and remove
        the headings' bookmarks; returns the steps that undo it, to be run in reverse.

        The stand-in (zeros as many as the digits of the entry's likely page) makes each entry
        as long as it will be with its number: LibreOffice's update then does not lengthen the
        table of contents, and the second update (at 5,000 measures 5-10 s in LibreOffice 25.2,
        about 30 s in 7.4) is not needed. A
        wrong guess costs only that second update."""
        undo: list[Callable[[], None]] = []
        # The table of contents' own pages come first (about 40 entries a page).
        front_pages = 2 + len(self.toc_entries) / 40
        for number, (_paragraph, link, _text) in enumerate(self.toc_entries, start=1):
            parent = link.getparent()
            index = parent.index(link)
            runs = list(link)
            parent.remove(link)
            stand_in = "0" * len(str(round(front_pages + number * PAGES_PER_ENTRY)))
            added = [ooxml.new_run(parent, "\t"), ooxml.new_run(parent, stand_in)]
            for offset, run in enumerate(runs + added):
                parent.insert(index + offset, run)
            undo.append(partial(_put_back, parent, index, link, runs, added))
        for start, end in self.toc_bookmarks:
            for element in (start, end):
                parent = element.getparent()
                index = parent.index(element)
                parent.remove(element)
                undo.append(partial(parent.insert, index, element))
        return undo


def _put_back(parent, index: int, link, runs: list, added: list) -> None:
    """Undo ``_prepare_for_layout`` for one table of contents entry."""
    for run in added:
        parent.remove(run)
    link.extend(runs)
    parent.insert(index, link)


# Pages per table of contents entry in a long report (5,000 measures: 2,137 to 3,014 pages),
# for the stand-in page numbers of the copy LibreOffice lays out.
PAGES_PER_ENTRY = 0.5


TOC_LEVELS = 2  # the table of contents lists Heading 1 and Heading 2


def toc_anchor(number: int) -> str:
    """The bookmark of the n-th heading the table of contents lists (Word's own prefix)."""
    return f"_Toc{number:06d}"


def toc_key(text: str) -> str:
    """How a table of contents entry is matched with the laid-out page's text."""
    return " ".join(as_read(text).split()).casefold()
