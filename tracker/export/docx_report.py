"""Build the midterm report as DOCX bytes from collected ``ReportData``. No Flask in here.

The document is a proper Word document: Heading 1–3 styles (navigation pane and table of
contents), nb-NO as its language, real list paragraphs, repeating table header rows, alt text
on the chart, "Side X av Y" in the footer and "UTKAST" on every page of a draft. Spacing comes
from styles, never from empty paragraphs. Every text passes through ``xml_safe`` first, so no
saved text can make the document invalid.
"""

import io
import re
import unicodedata
from datetime import datetime, time

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

from tracker import narrative
from tracker.export.chart import chart_alt_text
from tracker.export.report_data import (
    AreaSection,
    ChangesSincePrevious,
    MeasureEntry,
    MinistryRef,
    ReportData,
)
from tracker.i18n import TIMEZONE, norwegian_date
from tracker.reporting.states import STATUS_ORDER, Status
from tracker.text import N_

LANGUAGE = "nb-NO"
BODY_FONT = "Arial"
CONTENT_WIDTH = Cm(16)  # A4 (21 cm) minus 2.5 cm margins
HEADER_FILL = "D9E2F3"
AREA_FILL = "F2F2F2"
DRAFT_COLOUR = RGBColor(0xB0, 0x00, 0x20)
LINK_COLOUR = RGBColor(0x1F, 0x4E, 0x9A)
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


def build_midterm_report(data: ReportData, *, chart_png: bytes | None = None) -> bytes:
    """The whole report as the bytes of a .docx file."""
    builder = _ReportBuilder(data)
    builder.title_page()
    builder.table_of_contents()
    builder.introduction()
    builder.ministries()
    builder.summary(chart_png)
    builder.overview()
    for area in data.areas:
        builder.area_section(area)
    if data.changes is not None:
        builder.changes_appendix(data.changes)
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
        # Word refreshes the table of contents and page count when the document is opened.
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
        # A measure's heading stays with its text; long narratives may break across pages.
        self.styles["Heading 2"].paragraph_format.space_before = Pt(18)
        self.styles["Heading 3"].paragraph_format.space_before = Pt(8)

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

    def _set_up_header_and_footer(self) -> None:
        section = self.document.sections[0]
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run(N_("Side") + " ")
        _add_simple_field(footer, "PAGE", "1")
        footer.add_run(" " + N_("av") + " ")
        _add_simple_field(footer, "NUMPAGES", "1")
        if self.data.draft:
            header = section.header.paragraphs[0]
            header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = header.add_run(N_("UTKAST"))
            run.bold = True
            run.font.size = Pt(14)
            run.font.color.rgb = DRAFT_COLOUR
            note = header.add_run(" – " + N_("inneholder tekster som ikke er godkjent"))
            note.font.color.rgb = DRAFT_COLOUR

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

    def blocks(self, text: str) -> None:
        """Narrative text as real paragraphs and real Word lists."""
        for block in narrative.parse(xml_safe(text)):
            if isinstance(block, narrative.Paragraph):
                self.paragraph(block.text)
                continue
            num_id = self.list_numbering.new_list(block.kind) if block.numbered else None
            for item in block.items:
                paragraph = self.paragraph(item, "List Number" if block.numbered else "List Bullet")
                if num_id is not None:
                    _set_numbering(paragraph, num_id)

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
        self.paragraph(N_("Generert %(date)s") % {"date": norwegian_date(data.generated_on)})
        if data.draft:
            warning = self.paragraph()
            run = warning.add_run(N_("UTKAST – inneholder tekster som ikke er godkjent"))
            run.bold = True
            run.font.color.rgb = DRAFT_COLOUR

    def table_of_contents(self) -> None:
        heading = self.paragraph(N_("Innhold"), "TOC Heading")
        heading.paragraph_format.page_break_before = True
        entries = self._toc_entries()
        # The field's result is pre-filled with the headings, so the list shows even before
        # Word refreshes it (with page numbers) on opening; LibreOffice shows it as it is.
        first = self.paragraph(style="toc 1")
        _field_begin(first, r'TOC \o "1-2" \h \z \u')
        paragraphs = [first] + [self.paragraph(style=f"toc {level}") for level, _ in entries[1:]]
        for paragraph, (level, text) in zip(paragraphs, entries, strict=False):
            self.set_style(paragraph, f"toc {level}")
            paragraph.add_run(text)
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
        self.heading(self._overview_heading(), 1)
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
        number_width = Cm(12 / (len(columns) - 1))
        table = self.table([Cm(4)] + [number_width] * (len(columns) - 1))
        self.row(table, columns, header=True, align_right_from=1)
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
        shape = paragraph.add_run().add_picture(io.BytesIO(chart_png), width=CONTENT_WIDTH)
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
        self.heading(self.data.round_title, 3)
        if measure.status is None:
            self.paragraph(N_("Ingen rapport for dette tiltaket i denne runden."))
        elif not narrative.parse(xml_safe(measure.narrative)):
            self.paragraph(N_("Ingen tekst."))
        else:
            self.blocks(measure.narrative)

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
            return
        self.paragraph(
            N_("%(count)d tiltak har endret status eller tekst siden forrige publiserte rapport.")
            % {"count": len(changes.changes)}
        )
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


def _measure_heading(measure: MeasureEntry) -> str:
    return f"{measure.number}. {measure.title}"


def _ministry_names(ministries: tuple[MinistryRef, ...]) -> str:
    return join_names([ministry.name for ministry in ministries])


def _status_label(status: Status | None) -> str:
    return status.label if status else N_("Ikke rapportert")


# -- low-level WordprocessingML helpers -------------------------------------------------------


def _add_text(paragraph: DocxParagraph, text: str, *, bold: bool = False) -> None:
    """Add text as runs, turning bare URLs into real hyperlinks; right-to-left text reads as
    such."""
    last = 0
    for match in narrative.URL.finditer(text):
        if match.start() > last:
            _add_run(paragraph, text[last : match.start()], bold)
        _add_hyperlink(paragraph, match.group(0))
        last = match.end()
    if last < len(text):
        _add_run(paragraph, text[last:], bold)
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


def _add_hyperlink(paragraph: DocxParagraph, url: str) -> None:
    relationship_id = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship_id)
    paragraph._p.append(hyperlink)
    run = paragraph.add_run(url)
    run.font.color.rgb = LINK_COLOUR
    run.font.underline = True
    hyperlink.append(run._r)


def _add_simple_field(paragraph: DocxParagraph, instruction: str, placeholder: str) -> None:
    _field_begin(paragraph, instruction)
    paragraph.add_run(placeholder)
    _field_end(paragraph)


def _field_begin(paragraph: DocxParagraph, instruction: str) -> None:
    paragraph._p.append(_field_char_run("begin", dirty=True))
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
