"""Build the midterm report as DOCX bytes from collected ``ReportData``. No Flask in here.

The document is a proper Word document: Heading 1–2 styles (navigation pane and table of
contents), nb-NO as its language, real list paragraphs, repeating table header rows, alt text
on the chart, "Side X av Y" in the footer (not on the title page) and "UTKAST" on every page of
a draft. Every text colour reaches 4.5:1 on its background. Given the page numbers LibreOffice
laid out (``toc_pages``), the table of contents carries them: no reader has to update fields.
Spacing comes from styles, never from empty paragraphs. Every text passes through ``xml_safe``
first, so no saved text can make the document invalid.
"""

import html
import io
import re
import unicodedata
from datetime import datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from tracker import narrative
from tracker.export.chart import chart_alt_text
from tracker.export.colours import MINIMUM_CONTRAST, contrast
from tracker.export.report_data import (
    AreaSection,
    ChangesSincePrevious,
    MeasureEntry,
    MinistryRef,
    ReportData,
    SourceNote,
)
from tracker.i18n import TIMEZONE, norwegian_date
from tracker.reporting.states import STATUS_ORDER, Status
from tracker.text import N_

LANGUAGE = "nb-NO"
# A narrative's language as Word names it (spell-checking, hyphenation, screen readers).
NARRATIVE_LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO"}
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
# Characters XML 1.0 cannot hold at all (clean_text already drops most of them).
XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NUMBER_WORDS = (
    "null",
    "ett",
    "to",
    "tre",
    "fire",
    "fem",
    "seks",
    "syv",
    "åtte",
    "ni",
    "ti",
    "elleve",
    "tolv",
)


def build_midterm_report(
    data: ReportData,
    *,
    chart_png: bytes | None = None,
    toc_pages: tuple[tuple[str, str], ...] | None = None,
) -> bytes:
    """The whole report as the bytes of a .docx file.

    ``toc_pages``: (entry, page number) pairs as LibreOffice laid the same document out; the
    table of contents then shows them. Without it the entries have no numbers until updated.
    """
    builder = _ReportBuilder(data)
    builder.title_page()
    builder.colophon()
    builder.table_of_contents(toc_pages)
    builder.introduction()
    builder.ministries()
    builder.summary(chart_png)
    builder.overview()
    for area in data.areas:
        builder.area_section(area)
    if data.changes is not None:
        builder.changes_appendix(data.changes)
    if data.source_notes:
        builder.source_notes_appendix(data.source_notes)
    return builder.to_bytes()


def xml_safe(text: str | None, *, single_line: bool = False) -> str:
    """Text any XML part of a DOCX can hold: cleaned like every pasted text, then strictly
    filtered."""
    text = XML_INVALID.sub("", narrative.clean_text(text or ""))
    return " ".join(text.split()) if single_line else text


def join_names(names: list[str]) -> str:
    """AID, KUD og KD"""
    return (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1] if names else ""
    )


def _count_in_words(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


class _ReportBuilder:
    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.document = Document()
        self.body = self.document.element.body
        self.section_end = self.body.sectPr
        self.styles = {}
        self.list_numbering = _ListNumbering(self.document)
        self._set_up_page()
        self._set_up_language_and_styles()
        self._set_up_properties()
        self._set_up_header_and_footer()

    # -- the document's frame -------------------------------------------------------------

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
            lang.set(qn(attribute), LANGUAGE)
        settings = self.document.settings.element
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), LANGUAGE)
        # Word refreshes the table of contents and page count when the document is opened
        # (dropped again when LibreOffice's page numbers fill the table of contents).
        settings.append(parse_xml(f'<w:updateFields {nsdecls("w")} w:val="true"/>'))
        for level in (1, 2):
            style = self.document.styles.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
            style.element.set(qn("w:styleId"), f"TOC{level}")
            style.base_style = self.document.styles["Normal"]
            style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            style.paragraph_format.space_after = Pt(2)
        normal = self.document.styles["Normal"]
        normal.font.size = Pt(11)
        table_text = self.document.styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = normal
        table_text.font.size = Pt(10)
        table_text.paragraph_format.space_before = Pt(1)
        table_text.paragraph_format.space_after = Pt(1)
        table_text.paragraph_format.line_spacing = 1.0
        for name in (
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
        ):
            self.styles[name] = self.document.styles[name]
        self._set_up_typography()

    def _set_up_typography(self) -> None:
        """Distinct heading levels in dark colours; no style keeps a pale theme colour."""
        label = self.document.styles.add_style(REPORT_LABEL, WD_STYLE_TYPE.PARAGRAPH)
        label.element.set(qn("w:styleId"), "ReportLabel")
        label.base_style = self.styles["Normal"]
        label.next_paragraph_style = self.styles["Normal"]
        self.styles[REPORT_LABEL] = label
        for name, size, bold, colour, before, after in (
            ("Title", 28, True, HEADING_COLOUR, 0, 12),
            ("Subtitle", 14, False, SECONDARY_COLOUR, 0, 6),
            ("TOC Heading", 20, True, HEADING_COLOUR, 0, 12),
            ("Heading 1", 20, True, HEADING_COLOUR, 12, 10),
            ("Heading 2", 14, True, HEADING_COLOUR, 16, 4),
            ("Heading 3", 12, True, SECONDARY_COLOUR, 8, 2),
            (REPORT_LABEL, 11, True, HEADING_COLOUR, 8, 2),
            ("Caption", 9.5, False, SECONDARY_COLOUR, 4, 12),
        ):
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
        self.link_style_id = link.style_id
        self.styles["toc 1"].font.bold = True
        self.styles["toc 1"].paragraph_format.space_before = Pt(6)
        _darken_pale_style_colours(self.document.styles.element)

    def _set_up_properties(self) -> None:
        data = self.data
        properties = self.document.core_properties
        properties.title = xml_safe(f"{data.round_title} – {data.plan_title}", single_line=True)
        properties.subject = xml_safe(data.plan_title, single_line=True)
        properties.author = xml_safe(data.author, single_line=True)
        properties.last_modified_by = properties.author
        properties.language = LANGUAGE
        properties.keywords = N_("UTKAST") if data.draft else ""
        generated = datetime.combine(data.generated_on, time(12), TIMEZONE)
        properties.created = properties.modified = generated.replace(tzinfo=None)
        properties.revision = 1
        # python-docx's template says "generated by python-docx" and names Word 2010 as the maker.
        properties.comments = ""
        properties.category = ""
        properties.content_status = N_("Utkast") if data.draft else ""
        _replace_template_leftovers(self.document, properties.title, properties.author)

    def _set_up_header_and_footer(self) -> None:
        section = self.document.sections[0]
        # The title page has a header and footer of its own: no page number on it.
        section.different_first_page_header_footer = True
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(N_("Side") + " ")
        _add_simple_field(footer, "PAGE", "1")
        footer.add_run(" " + N_("av") + " ")
        _add_simple_field(footer, "NUMPAGES", "1")
        marking = self._marking()
        if marking is None:
            return
        for header in (section.header, section.first_page_header):
            paragraph = header.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = paragraph.add_run(marking[0])
            run.bold = True
            run.font.size = Pt(14)
            run.font.color.rgb = DRAFT_COLOUR
            note = paragraph.add_run(" – " + marking[1])
            note.font.color.rgb = DRAFT_COLOUR

    def _marking(self) -> tuple[str, str] | None:
        """What every page says when the report is not the published one: draft or unpublished."""
        if self.data.draft:
            return N_("UTKAST"), N_("inneholder tekster som ikke er godkjent")
        if not self.data.published:
            return N_("IKKE PUBLISERT"), N_("runden er ikke publisert")
        return None

    # -- adding content ------------------------------------------------------------------

    def paragraph(self, text: str = "", style: str = "Normal") -> DocxParagraph:
        """A new paragraph at the end of the body (appended directly: O(1) for huge reports)."""
        element = OxmlElement("w:p")
        self.section_end.addprevious(element)
        paragraph = DocxParagraph(element, self.document._body)
        if style != "Normal":
            self.set_style(paragraph, style)
        if text:
            _add_text(paragraph, text)
        return paragraph

    def set_style(self, paragraph: DocxParagraph, style: str) -> None:
        # Straight to w:pStyle: python-docx's setter searches every style for the default one
        # on each call, which made a 5,000-measure report quadratic in practice.
        paragraph._p.style = self.styles[style].style_id

    def heading(self, text: str, level: int, *, new_page: bool = False) -> DocxParagraph:
        paragraph = self.paragraph(xml_safe(text, single_line=True), f"Heading {level}")
        paragraph.paragraph_format.page_break_before = new_page or None
        return paragraph

    def labelled(self, label: str, value: str) -> DocxParagraph:
        """ "Status: Pågående", with the label in bold."""
        paragraph = self.paragraph()
        paragraph.add_run(label + ": ").bold = True
        _add_text(paragraph, xml_safe(value, single_line=True))
        return paragraph

    def blocks(self, text: str, language: str = LANGUAGE) -> None:
        """Narrative text as real paragraphs and real Word lists, in ``language`` (e.g. nn-NO)."""
        for block in narrative.parse(xml_safe(text)):
            if isinstance(block, narrative.Paragraph):
                _set_language(self.paragraph(block.text), language)
                continue
            num_id = self.list_numbering.new_list(block.kind) if block.numbered else None
            for item in block.items:
                paragraph = self.paragraph(item, "List Number" if block.numbered else "List Bullet")
                if num_id is not None:
                    _set_numbering(paragraph, num_id)
                _set_language(paragraph, language)

    def table(self, widths: list) -> Table:
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
    ):
        row = table.add_row()
        row_properties = row._tr.get_or_add_trPr()
        row_properties.append(OxmlElement("w:cantSplit"))
        if header:
            # Word and LibreOffice repeat this row at the top of every page the table spans.
            row_properties.append(OxmlElement("w:tblHeader"))
        for index, (cell, value, width) in enumerate(
            zip(row.cells, values, self.widths, strict=False)
        ):
            cell.width = width
            paragraph = cell.paragraphs[0]
            self.set_style(paragraph, "Table Text")
            _add_text(paragraph, xml_safe(value, single_line=True), bold=bold or header)
            if align_right_from is not None and index >= align_right_from:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if fill or header:
                _shade(cell, fill or HEADER_FILL)
        return row

    def spanning_row(self, table: Table, text: str, fill: str):
        """A row with one cell across the table, e.g. an area's name in the overview."""
        row = self.row(table, [text] + [""] * (len(self.widths) - 1), bold=True, fill=fill)
        merged = row.cells[0].merge(row.cells[-1])
        # The merge keeps one paragraph per merged cell; only the first holds text.
        for extra in merged.paragraphs[1:]:
            extra._element.getparent().remove(extra._element)
        merged.paragraphs[0].paragraph_format.keep_with_next = True
        return row

    # -- the report's parts --------------------------------------------------------------

    def title_page(self) -> None:
        data = self.data
        plan = self.paragraph(xml_safe(data.plan_title, single_line=True), "Subtitle")
        plan.paragraph_format.space_before = Cm(6)
        self.paragraph(xml_safe(data.round_title, single_line=True), "Title")
        self.paragraph(N_("Status pr. %(date)s") % {"date": norwegian_date(data.as_of)}, "Subtitle")
        self.paragraph(N_("Handlingsplanperiode: %(period)s") % {"period": data.plan_period})
        marking = self._marking()
        if marking is not None:
            warning = self.paragraph()
            run = warning.add_run(f"{marking[0]} – {marking[1]}")
            run.bold = True
            run.font.color.rgb = DRAFT_COLOUR
        sender = self.paragraph(xml_safe(data.author, single_line=True), "Subtitle")
        sender.paragraph_format.space_before = Cm(8)
        sender.runs[0].bold = True

    def colophon(self) -> None:
        """The back of the title page: who sends the report, and when it was generated."""
        data = self.data
        first = self.labelled(N_("Utgitt av"), data.author)
        first.paragraph_format.page_break_before = True
        self.labelled(N_("Tittel"), f"{data.round_title} – {data.plan_title}")
        self.labelled(N_("Status pr."), norwegian_date(data.as_of))
        self.labelled(N_("Generert"), norwegian_date(data.generated_on))
        self.paragraph(
            N_(
                "Rapporten er laget fra statussporingen for handlingsplanen. Tall og tekster "
                "er de samme som på de offentlige statussidene."
            )
        )

    def table_of_contents(self, toc_pages: tuple[tuple[str, str], ...] | None) -> None:
        heading = self.paragraph(N_("Innhold"), "TOC Heading")
        heading.paragraph_format.page_break_before = True
        entries = self._toc_entries()
        pages = _pages_by_entry(toc_pages or ())
        # The field's result is pre-filled with the headings and, when LibreOffice laid the
        # document out, their page numbers: the list is right without updating fields.
        first = self.paragraph(style="toc 1")
        _field_begin(first, r'TOC \o "1-2" \h \z \u', dirty=not pages)
        if pages:
            # Filled already: Word need not ask the reader to update fields on opening.
            settings = self.document.settings.element
            for update in settings.findall(qn("w:updateFields")):
                settings.remove(update)
        paragraphs = [first] + [self.paragraph(style=f"toc {level}") for level, _ in entries[1:]]
        for paragraph, (level, text) in zip(paragraphs, entries, strict=False):
            self.set_style(paragraph, f"toc {level}")
            paragraph.add_run(text)
            page = pages.get(_toc_key(text))
            if page:
                paragraph.add_run("\t" + page.pop(0))
        _field_end(paragraphs[-1])

    def _toc_entries(self) -> list[tuple[int, str]]:
        data = self.data
        entries = [
            (1, N_("Om rapporten")),
            (1, N_("Departementer med ansvar for tiltak")),
            (1, self._overview_heading()),
            (2, N_("Status per område")),
            (2, N_("Alle tiltak")),
        ]
        for area in data.areas:
            entries.append((1, self._area_heading(area)))
            entries.extend((2, _measure_heading(measure)) for measure in area.measures)
        if data.changes is not None:
            entries.append((1, self._changes_heading(data.changes)))
        if data.source_notes:
            entries.append((1, SOURCE_NOTES_HEADING))
        return [(level, xml_safe(text, single_line=True)) for level, text in entries]

    def introduction(self) -> None:
        self.heading(N_("Om rapporten"), 1, new_page=True)
        self.blocks(self.data.intro)

    def ministries(self) -> None:
        ministries = self.data.ministries
        self.heading(N_("Departementer med ansvar for tiltak"), 1)
        self.paragraph(
            N_("Det er %(count)s departementer som er ansvarlige for tiltak i handlingsplanen:")
            % {"count": _count_in_words(len(ministries))}
        )
        for ministry in ministries:
            self.paragraph(
                xml_safe(f"{ministry.name} ({ministry.abbreviation})", single_line=True),
                "List Bullet",
            )

    def _overview_heading(self) -> str:
        as_of = norwegian_date(self.data.as_of)
        return N_("Oversikt over status for tiltak pr. %(date)s") % {"date": as_of}

    def summary(self, chart_png: bytes | None) -> None:
        data, summary = self.data, self.data.summary
        # On a page of its own, so the table, the chart and its caption stay together.
        self.heading(self._overview_heading(), 1, new_page=True)
        self.paragraph(summary_sentence(data))
        if data.unreported_count:
            self.paragraph(
                N_("For %(count)d tiltak foreligger det ingen rapport i denne rapporten.")
                % {"count": data.unreported_count}
            )
        self.heading(N_("Status per område"), 2)
        show_unreported = data.unreported_count > 0
        columns = [N_("Område")] + [status.label for status in STATUS_ORDER]
        columns += [N_("Ikke rapportert")] if show_unreported else []
        columns.append(N_("Totalt"))
        # Wide enough for «Gjennomført» and «rapportert» in bold: headers break between words only.
        number_width = Cm(12.6 / (len(columns) - 1))
        table = self.table([Cm(3.4)] + [number_width] * (len(columns) - 1))
        header = self.row(table, columns, header=True, align_right_from=1)
        for cell in header.cells[1:]:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(9)
        for area in summary.areas:
            counts = [area.counts[status] for status in STATUS_ORDER]
            unreported = [area.unreported] if show_unreported else []
            self.row(
                table,
                [area.name] + [str(n) for n in counts + unreported + [area.measure_count]],
                align_right_from=1,
            )
        totals = [summary.totals[status] for status in STATUS_ORDER]
        totals += [data.unreported_count] if show_unreported else []
        self.row(
            table,
            [N_("Totalt")] + [str(n) for n in totals + [sum(totals)]],
            bold=True,
            fill=AREA_FILL,
            align_right_from=1,
        )
        if chart_png:
            self._chart(chart_png)

    def _chart(self, chart_png: bytes) -> None:
        paragraph = self.paragraph()
        paragraph.paragraph_format.space_before = Pt(12)
        paragraph.paragraph_format.keep_with_next = True
        shape = paragraph.add_run().add_picture(io.BytesIO(chart_png), width=CHART_WIDTH)
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", xml_safe(chart_alt_text(self.data.summary), single_line=True))
        doc_pr.set("title", N_("Status per område"))
        self.paragraph(
            N_("Figur 1: Antall tiltak per område og status. Tallene står i tabellen over."),
            "Caption",
        )

    def overview(self) -> None:
        self.heading(N_("Alle tiltak"), 2)
        table = self.table([Cm(1.1), Cm(9.2), Cm(2.6), Cm(3.1)])
        self.row(table, [N_("Nr."), N_("Tiltak"), N_("Ansvarlig"), N_("Status")], header=True)
        for area in self.data.areas:
            self.spanning_row(table, area.name, AREA_FILL)
            for measure in area.measures:
                self.row(
                    table,
                    [
                        str(measure.number),
                        measure.title,
                        join_names([m.abbreviation for m in measure.ministries]),
                        measure.status_label,
                    ],
                )

    def _area_heading(self, area: AreaSection) -> str:
        return N_("Tiltak: %(area)s") % {"area": area.name}

    def area_section(self, area: AreaSection) -> None:
        self.heading(self._area_heading(area), 1, new_page=True)
        for measure in area.measures:
            self.measure(measure)

    def measure(self, measure: MeasureEntry) -> None:
        heading = self.heading(_measure_heading(measure), 2)
        heading.paragraph_format.keep_with_next = True
        self.blocks(measure.description)
        self.labelled(N_("Ansvarlig departement"), _ministry_names(measure.ministries))
        self.labelled(N_("Status"), measure.status_label)
        if self.data.draft and measure.review_state is not None:
            self.labelled(N_("Rapportens tilstand"), measure.review_state.label)
        # One label, not a heading: 50 identical headings would fill the navigation pane.
        self.paragraph(xml_safe(self.data.round_title, single_line=True), REPORT_LABEL)
        if measure.status is None:
            self.paragraph(N_("Ingen rapport for dette tiltaket i denne runden."))
        elif not narrative.parse(xml_safe(measure.narrative)):
            self.paragraph(N_("Ingen tekst."))
        else:
            self.blocks(measure.narrative, NARRATIVE_LANGUAGES[measure.narrative_language])

    def _changes_heading(self, changes: ChangesSincePrevious) -> str:
        if changes.previous_title is None:
            return N_("Vedlegg: Endringer siden forrige rapport")
        return N_("Vedlegg: Endringer siden %(title)s (%(date)s)") % {
            "title": changes.previous_title,
            "date": norwegian_date(changes.previous_as_of),
        }

    def changes_appendix(self, changes: ChangesSincePrevious) -> None:
        self.heading(self._changes_heading(changes), 1, new_page=True)
        if changes.previous_title is None:
            self.paragraph(N_("Det finnes ingen tidligere publisert rapport å sammenligne med."))
            return
        if not changes.changes:
            self.paragraph(N_("Ingen tiltak har endret status eller tekst siden forrige rapport."))
            if changes.not_reported:
                self.paragraph(NOT_COMPARED % {"count": changes.not_reported})
            return
        self.paragraph(
            N_("%(count)d tiltak har endret status eller tekst siden forrige publiserte rapport.")
            % {"count": len(changes.changes)}
        )
        if changes.not_reported:
            self.paragraph(NOT_COMPARED % {"count": changes.not_reported})
        table = self.table([Cm(1.1), Cm(7.0), Cm(3.1), Cm(3.1), Cm(1.7)])
        self.row(
            table,
            [N_("Nr."), N_("Tiltak"), N_("Status før"), N_("Status nå"), N_("Tekst")],
            header=True,
        )
        for change in changes.changes:
            self.row(
                table,
                [
                    str(change.number),
                    change.title,
                    _status_label(change.old_status),
                    _status_label(change.new_status),
                    N_("Endret") if change.narrative_changed else N_("Uendret"),
                ],
            )

    def source_notes_appendix(self, notes: tuple[SourceNote, ...]) -> None:
        self.heading(SOURCE_NOTES_HEADING, 1, new_page=True)
        self.paragraph(
            N_(
                "Planens tekster er hentet ordrett fra den publiserte rapporten. Der rapportens "
                "oversiktstabell og tiltakenes egne avsnitt sier ulikt, eller teksten ikke er "
                "entydig, forklarer merknadene under hva denne rapporten bygger på."
            )
        )
        for note in notes:
            if note.number is None:
                label = N_("Departementer med ansvar for tiltak")
            else:
                label = N_("Tiltak %(heading)s") % {
                    "heading": f"{note.number}. {xml_safe(note.title, single_line=True)}"
                }
            self.paragraph(label, REPORT_LABEL)
            self.blocks(note.note)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def summary_sentence(data: ReportData) -> str:
    totals = data.summary.totals
    return N_(
        "Av totalt %(total)d tiltak i handlingsplanen er %(completed)d tiltak gjennomført, "
        "%(in_progress)d er pågående og %(not_started)d er ikke igangsatt ennå."
    ) % {
        "total": data.measure_count,
        "completed": totals.get(Status.COMPLETED, 0),
        "in_progress": totals.get(Status.IN_PROGRESS, 0),
        "not_started": totals.get(Status.NOT_STARTED, 0),
    }


SOURCE_NOTES_HEADING = N_("Vedlegg: Merknader om kildegrunnlaget")


def _toc_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _pages_by_entry(toc_pages: tuple[tuple[str, str], ...]) -> dict[str, list[str]]:
    """LibreOffice's (entry, page) pairs by entry text, in order (a title may repeat)."""
    pages: dict[str, list[str]] = {}
    for text, page in toc_pages:
        pages.setdefault(_toc_key(text), []).append(page)
    return pages


def _measure_heading(measure: MeasureEntry) -> str:
    return f"{measure.number}. {measure.title}"


def _ministry_names(ministries: tuple[MinistryRef, ...]) -> str:
    return join_names([ministry.name for ministry in ministries])


def _status_label(status: Status | None) -> str:
    return status.label if status else N_("Ikke rapportert")


# -- low-level WordprocessingML helpers -------------------------------------------------------


def _set_language(paragraph: DocxParagraph, language: str) -> None:
    """Mark every run (links included) and the paragraph mark; the document default is nb-NO."""
    if language == LANGUAGE:
        return
    paragraph_mark = paragraph._p.get_or_add_pPr()
    for owner in [*paragraph._p.iter(qn("w:r")), paragraph_mark]:
        properties = owner.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            if owner is paragraph_mark:
                owner.append(properties)  # last in w:pPr: this builder writes no sectPr there
            else:
                owner.insert(0, properties)
        # w:lang comes after every formatting element this builder writes into w:rPr.
        properties.append(OxmlElement("w:lang", {qn("w:val"): language}))


def _add_text(paragraph: DocxParagraph, text: str, *, bold: bool = False) -> None:
    """Add text as runs and links as real hyperlinks; right-to-left text reads as such.

    Every text of the report becomes runs here: a paragraph's language mark belongs here too.
    """
    for span in narrative.inline(text):
        if span.url:
            _add_hyperlink(paragraph, span.url, span.text)
        else:
            _add_run(paragraph, span.text, bold)
    if _starts_right_to_left(text):
        paragraph._p.get_or_add_pPr().insert_element_before(OxmlElement("w:bidi"), *_PPR_AFTER_BIDI)


def _add_run(paragraph: DocxParagraph, text: str, bold: bool) -> None:
    run = paragraph.add_run(text)
    if bold:  # setting False or None would still add an empty w:rPr to every run
        run.bold = True


_PPR_AFTER_BIDI = (
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _starts_right_to_left(text: str) -> bool:
    """Whether the first letter with a direction is Arabic, Hebrew or another RTL script."""
    for character in text:
        direction = unicodedata.bidirectional(character)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


def _add_hyperlink(paragraph: DocxParagraph, url: str, words: str) -> None:
    relationship_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship_id)
    paragraph._p.append(hyperlink)
    run = paragraph.add_run(words)
    run._r.get_or_add_rPr().style = "Hyperlink"
    hyperlink.append(run._r)


def _add_simple_field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    _field_begin(paragraph, instruction)
    paragraph.add_run(placeholder)
    _field_end(paragraph)


def _field_begin(paragraph: DocxParagraph, instruction: str, *, dirty: bool = True) -> None:
    paragraph._p.append(_field_char_run("begin", dirty=dirty))
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    paragraph._p.append(run)
    paragraph._p.append(_field_char_run("separate"))


def _field_end(paragraph: DocxParagraph) -> None:
    paragraph._p.append(_field_char_run("end"))


def _field_char_run(kind: str, *, dirty: bool = False):
    run = OxmlElement("w:r")
    field_char = OxmlElement("w:fldChar")
    field_char.set(qn("w:fldCharType"), kind)
    if dirty:
        field_char.set(qn("w:dirty"), "true")
    run.append(field_char)
    return run


def _darken_pale_style_colours(styles_element) -> None:
    """Theme colours become fixed ones, and any text colour under 4.5:1 on white a dark one.

    Table styles are left alone: their light text stands on their own dark shading.
    """
    for style in styles_element.findall(qn("w:style")):
        if style.get(qn("w:type")) == "table":
            continue
        for colour in style.iter(qn("w:color")):
            for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
                colour.attrib.pop(qn(attribute), None)
            value = colour.get(qn("w:val"))
            if value and value != "auto" and contrast(value) < MINIMUM_CONTRAST:
                colour.set(qn("w:val"), str(HEADING_COLOUR))


def _replace_template_leftovers(document, title: str, company: str) -> None:
    """No trace of python-docx's template: its thumbnail, custom XML, Word 2010 extras and
    app.xml, and Word's compatibility mode (the template says Word 2010)."""
    package_rels = document.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            package_rels.pop(rel_id)
    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/customXml") or rel.reltype.endswith("/stylesWithEffects"):
            document.part.rels.pop(rel_id)
    for rel in package_rels.values():
        if rel.reltype.endswith("/extended-properties"):
            rel.target_part._blob = _app_properties(title, company)
    settings = document.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")  # Word 2013 and later: no compatibility mode


EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
VT_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
NOT_COMPARED = N_("%(count)d tiltak er ikke rapportert i denne rapporten og er ikke sammenlignet.")


def _app_properties(title: str, company: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        f'<Properties xmlns="{EXTENDED_PROPERTIES}" xmlns:vt="{VT_TYPES}">'
        f"<Application>{html.escape(APPLICATION)}</Application>"
        f"<Company>{html.escape(company)}</Company>"
        "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        "</Properties>"
    ).encode()


def _shade(cell, fill: str) -> None:
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>')
    cell._tc.get_or_add_tcPr().append(shading)


def _set_numbering(paragraph: DocxParagraph, num_id: int) -> None:
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_ilvl().val = 0
    numbering.get_or_add_numId().val = num_id


class _ListNumbering:
    """Numbered lists that each start at 1 (decimal "1." or roman "i.").

    The List Number style alone would continue one count through the whole document, so
    every numbered list gets its own ``w:num`` that restarts its abstract definition.
    """

    FORMATS = {"decimal": ("decimal", "%1."), "roman": ("lowerRoman", "%1.")}

    def __init__(self, document) -> None:
        self.numbering = document.part.numbering_part.element
        self.abstract_ids = {}
        for kind, (number_format, text) in self.FORMATS.items():
            self.abstract_ids[kind] = self._add_abstract(number_format, text)

    def _add_abstract(self, number_format: str, text: str) -> int:
        existing = [
            int(a.get(qn("w:abstractNumId"))) for a in self.numbering.findall(qn("w:abstractNum"))
        ]
        abstract_id = max(existing, default=-1) + 1
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            f'<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl>'
            "</w:abstractNum>"
        )
        first_num = self.numbering.find(qn("w:num"))
        if first_num is not None:
            first_num.addprevious(abstract)
        else:
            self.numbering.append(abstract)
        return abstract_id

    def new_list(self, kind: str) -> int:
        num = self.numbering.add_num(self.abstract_ids[kind])
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId
