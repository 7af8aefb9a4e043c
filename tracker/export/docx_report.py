"""Build the midterm report as DOCX bytes from collected ``ReportData``. No Flask in here.

``build_midterm_report`` reads like the report's table of contents: one function per part, in
the order the reader meets them. The document itself is a proper Word document (Heading 1–2
styles for the navigation pane and the table of contents, nb-NO as its language, real list
paragraphs, repeating table header rows, alt text on the chart, "Side X av Y" in the footer,
not on the title page, and "UTKAST" on every page of a draft): that is
``docx_document.ReportDocument``, and the XML python-docx cannot write is ``ooxml``. Every text
colour reaches 4.5:1 on its background. Given the page numbers LibreOffice laid out
(``toc_pages``), the table of contents carries them: no reader has to update fields.
"""

from docx.shared import Cm, Pt
from docx.table import Table

from tracker import narrative
from tracker.export import ooxml
from tracker.export.chart import chart_alt_text
from tracker.export.docx_document import (
    AREA_FILL,
    DRAFT_COLOUR,
    REPORT_LABEL,
    ReportDocument,
    toc_key,
)
from tracker.export.ooxml import xml_safe
from tracker.export.report_data import (
    AreaSection,
    ChangesSincePrevious,
    MeasureEntry,
    MinistryRef,
    ReportData,
    SourceNote,
)
from tracker.export.report_language import _, language_tag, report_date
from tracker.export.results_part import measure_results, results_appendix, results_toc_entries
from tracker.reporting.states import STATUS_ORDER, Status
from tracker.text import N_

# A narrative's language as Word names it (spell-checking, hyphenation, screen readers).
NARRATIVE_LANGUAGES = {"nb": "nb-NO", "nn": "nn-NO"}
# Northern Sámi texts (issue 26) follow the Norwegian under a label in Sámi itself, whatever the
# report's language; LibreOffice carries the tag into the tagged PDF as the span's /Lang.
SAMI_LANGUAGE = "se-NO"
SAMI_LABEL = "Sámegillii"  # "in Sámi": the same word in the nb, nn and English interface
NUMBER_WORDS = (
    N_("null"),
    N_("ett"),
    N_("to"),
    N_("tre"),
    N_("fire"),
    N_("fem"),
    N_("seks"),
    N_("syv"),
    N_("åtte"),
    N_("ni"),
    N_("ti"),
    N_("elleve"),
    N_("tolv"),
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
    document = midterm_report_document(data, chart_png=chart_png)
    fill_toc_pages(document, toc_pages)
    return document.to_bytes()


def midterm_report_document(data: ReportData, *, chart_png: bytes | None = None) -> ReportDocument:
    """The report as a document still open for its table of contents' page numbers
    (``fill_toc_pages``) once a layout has given them."""
    document = ReportDocument(
        language=language_tag(),
        title=f"{data.round_title} – {data.plan_title}",
        subject=data.plan_title,
        author=data.author,
        generated_on=data.generated_on,
        draft=data.draft,
        marking=marking(data),
    )
    title_page(document, data)
    colophon(document, data)
    document.table_of_contents(_("Innhold"), toc_entries(data))
    introduction(document, data)
    if data.final:
        results_appendix(document, data)  # a final report leads with its results
    ministries(document, data)
    status_overview(document, data, chart_png)
    all_measures(document, data)
    for area in data.areas:
        area_section(document, data, area)
    if data.changes is not None:
        changes_appendix(document, data.changes)
    if not data.final:
        results_appendix(document, data)
    if data.source_notes:
        source_notes_appendix(document, data.source_notes)
    return document


def fill_toc_pages(document: ReportDocument, toc_pages: tuple[tuple[str, str], ...] | None) -> None:
    """The page numbers LibreOffice laid out, into the table of contents."""
    pages: dict[str, list[str]] = {}  # a title may repeat: its pages in order
    for text, page in toc_pages or ():
        pages.setdefault(toc_key(text), []).append(page)
    document.fill_table_of_contents(pages)


def marking(data: ReportData) -> tuple[str, str] | None:
    """What every page says when the report is not the published one: draft or unpublished."""
    if data.draft:
        return _("UTKAST"), _("inneholder tekster som ikke er godkjent")
    if not data.published:
        return _("IKKE PUBLISERT"), _("runden er ikke publisert")
    return None


# --- The headings the table of contents lists ---------------------------------------------------

INTRODUCTION_HEADING = N_("Om rapporten")
MINISTRIES_HEADING = N_("Departementer med ansvar for tiltak")
# A plan whose units are not all ministries (a municipality's agencies, boroughs).
UNITS_HEADING = N_("Enheter med ansvar for tiltak")


def units_heading(data: ReportData) -> str:
    return _(MINISTRIES_HEADING if data.units_are_ministries else UNITS_HEADING)


BY_AREA_HEADING = N_("Status per område")
ALL_MEASURES_HEADING = N_("Alle tiltak")
SOURCE_NOTES_HEADING = N_("Vedlegg: Merknader om kildegrunnlaget")


def overview_heading(data: ReportData) -> str:
    return _("Oversikt over status for tiltak pr. %(date)s") % {"date": report_date(data.as_of)}


def area_heading(area: AreaSection) -> str:
    return _("Tiltak: %(area)s") % {"area": area.name}


def measure_heading(measure: MeasureEntry) -> str:
    return f"{measure.number}. {measure.title}"


def changes_heading(changes: ChangesSincePrevious) -> str:
    if changes.previous_title is None or changes.previous_as_of is None:  # (both or neither)
        return _("Vedlegg: Endringer siden forrige rapport")
    return _("Vedlegg: Endringer siden %(title)s (%(date)s)") % {
        "title": changes.previous_title,
        "date": report_date(changes.previous_as_of),
    }


def toc_entries(data: ReportData) -> list[tuple[int, str]]:
    """(level, heading) of every part below, in order."""
    entries = [(1, _(INTRODUCTION_HEADING))]
    if data.final:
        entries.extend(results_toc_entries(data))
    entries += [
        (1, units_heading(data)),
        (1, overview_heading(data)),
        (2, _(BY_AREA_HEADING)),
        (2, _(ALL_MEASURES_HEADING)),
    ]
    for area in data.areas:
        entries.append((1, area_heading(area)))
        entries.extend((2, measure_heading(measure)) for measure in area.measures)
    if data.changes is not None:
        entries.append((1, changes_heading(data.changes)))
    if not data.final:
        entries.extend(results_toc_entries(data))
    if data.source_notes:
        entries.append((1, _(SOURCE_NOTES_HEADING)))
    return [(level, xml_safe(text, single_line=True)) for level, text in entries]


# --- The parts, in order -------------------------------------------------------------------------


def title_page(document: ReportDocument, data: ReportData) -> None:
    plan = document.paragraph(xml_safe(data.plan_title, single_line=True), "Subtitle")
    plan.paragraph_format.space_before = Cm(6)
    if data.final:
        document.paragraph(_("Sluttrapport"), "Title")
        document.paragraph(xml_safe(data.round_title, single_line=True), "Subtitle")
    else:
        document.paragraph(xml_safe(data.round_title, single_line=True), "Title")
    document.paragraph(_("Status pr. %(date)s") % {"date": report_date(data.as_of)}, "Subtitle")
    document.paragraph(_("Handlingsplanperiode: %(period)s") % {"period": data.plan_period})
    warning = marking(data)
    if warning is not None:
        run = document.paragraph().add_run(f"{warning[0]} – {warning[1]}")
        run.bold = True
        run.font.color.rgb = DRAFT_COLOUR
    sender = document.paragraph(xml_safe(data.author, single_line=True), "Subtitle")
    sender.paragraph_format.space_before = Cm(8)
    sender.runs[0].bold = True
    document.end_section(sender, title_page=True)


def colophon(document: ReportDocument, data: ReportData) -> None:
    """The back of the title page, at its foot as in government reports: publisher, title,
    date, ISBN/ISSN when the plan's owner gives them, licence and contact."""
    lines = [
        (_("Utgitt av"), data.author),
        (_("Tittel"), f"{data.round_title} – {data.plan_title}"),
        (_("Statusdato"), report_date(data.as_of)),
    ]
    # The day the file was made: for the final report, the day it is published.
    lines.append((_("Dato"), report_date(data.generated_on)))
    lines += [
        (label, value)
        for label, value in (
            (_("ISBN"), data.isbn),
            (_("ISSN"), data.issn),
            (_("Lisens"), data.licence),
            (_("Kontakt"), data.contact),
        )
        if value.strip()
    ]
    paragraphs = [document.labelled(label, value) for label, value in lines]
    for paragraph in paragraphs:
        paragraph.paragraph_format.space_after = Pt(2)
    # Word puts the section's text at the page's foot (vAlign); LibreOffice ignores that, so
    # the space above the colophon pushes it down, short of the foot by a margin of safety
    # (a line too many would push it onto a page of its own).
    line_count = sum(1 + len(f"{label}: {value}") // COLOPHON_LINE for label, value in lines)
    paragraphs[0].paragraph_format.space_before = Cm(
        max(0.0, TEXT_HEIGHT_CM - COLOPHON_SAFETY_CM - line_count * COLOPHON_LINE_CM)
    )
    document.end_section(paragraphs[-1], bottom=True)


TEXT_HEIGHT_CM = 24.7  # A4 less the 2.5 cm margins
COLOPHON_LINE = 80  # characters a colophon line holds, at most (11 pt on 16 cm)
COLOPHON_LINE_CM = 0.55  # 11 pt at single spacing plus 2 pt after
COLOPHON_SAFETY_CM = 2.5


def introduction(document: ReportDocument, data: ReportData) -> None:
    document.heading(_(INTRODUCTION_HEADING), 1, new_page=True)
    if data.intro.strip():
        document.blocks(data.intro, NARRATIVE_LANGUAGES[data.plan_language])
        return
    # Only a draft gets here (a final report refuses to be built without one).
    run = document.paragraph().add_run(
        _(
            "Innledningen mangler. Koordinatoren skriver den på rapportsiden før den endelige "
            "rapporten lages."
        )
    )
    run.bold = True
    run.font.color.rgb = DRAFT_COLOUR


def ministries(document: ReportDocument, data: ReportData) -> None:
    document.heading(units_heading(data), 1)
    sentence = (
        _("Det er %(count)s departementer som er ansvarlige for tiltak i handlingsplanen:")
        if data.units_are_ministries
        else _("Det er %(count)s enheter som er ansvarlige for tiltak i handlingsplanen:")
    )
    document.paragraph(sentence % {"count": _count_in_words(len(data.ministries))})
    for ministry in data.ministries:
        document.paragraph(
            xml_safe(f"{ministry.name} ({ministry.abbreviation})", single_line=True),
            "List Bullet",
        )


def status_overview(document: ReportDocument, data: ReportData, chart_png: bytes | None) -> None:
    """The numbers per area and status, and the chart of them."""
    summary = data.summary
    # On a page of its own, so the table, the chart and its caption stay together.
    document.heading(overview_heading(data), 1, new_page=True)
    document.paragraph(summary_sentence(data))
    if data.unreported_count:
        document.paragraph(
            _("%(count)d tiltak er ikke rapportert ennå.") % {"count": data.unreported_count}
        )
    document.paragraph(reported_in_round_sentence(data))
    document.heading(_(BY_AREA_HEADING), 2)
    show_unreported = data.unreported_count > 0
    columns = [_("Område")] + [_(status.label) for status in STATUS_ORDER]
    columns += [_("Ikke rapportert")] if show_unreported else []
    columns.append(_("Totalt"))
    # Wide enough for «Gjennomført» and «rapportert» in bold: headers break between words only.
    number_width = Cm(12.6 / (len(columns) - 1))
    table = document.table([Cm(3.4)] + [number_width] * (len(columns) - 1))
    header = document.row(table, columns, header=True, align_right_from=1)
    for cell in header.cells:  # one size for the whole header row
        for run in cell.paragraphs[0].runs:
            run.font.size = Pt(9)
    for area in summary.areas:
        counts = [area.counts[status] for status in STATUS_ORDER]
        unreported = [area.unreported] if show_unreported else []
        document.row(
            table,
            [area.name] + [str(n) for n in counts + unreported + [area.measure_count]],
            align_right_from=1,
        )
    totals = [summary.totals[status] for status in STATUS_ORDER]
    totals += [data.unreported_count] if show_unreported else []
    document.row(
        table,
        [_("Totalt")] + [str(n) for n in totals + [sum(totals)]],
        bold=True,
        fill=AREA_FILL,
        align_right_from=1,
    )
    if chart_png:
        document.picture(
            chart_png, title=_(BY_AREA_HEADING), description=chart_alt_text(data.summary)
        )
        document.paragraph(
            _("Figur 1: Antall tiltak per område og status. Tallene står i tabellen over."),
            "Caption",
        )


# Rows in one table of all measures before the next table continues it (header row again).
# LibreOffice lays out one table of thousands of rows in time growing faster than its rows:
# 5,000 measures in one table took 27 s to lay out, in tables of 250 (or 1,000) rows 7 s.
ROWS_PER_TABLE = 250


def all_measures(document: ReportDocument, data: ReportData) -> None:
    """Every measure in a table: number, title, who is responsible, status. A plan of more
    than ROWS_PER_TABLE rows gets several tables, one after the other, each with the header."""
    document.heading(_(ALL_MEASURES_HEADING), 2)
    tables: list[Table] = []
    rows = 0

    def next_row() -> Table:
        nonlocal rows
        if not tables or rows == ROWS_PER_TABLE:
            if tables:
                document.paragraph(style="Table Text")  # Word joins tables that touch
            tables.append(document.table([Cm(1.1), Cm(9.2), Cm(2.6), Cm(3.1)]))
            header = [_("Nr."), _("Tiltak"), _("Ansvarlig"), _("Status")]
            document.row(tables[-1], header, header=True)
            rows = 0
        rows += 1
        return tables[-1]

    for area in data.areas:
        document.spanning_row(next_row(), area.name, AREA_FILL)
        for measure in area.measures:
            document.row(
                next_row(),
                [
                    str(measure.number),
                    measure.title,
                    join_names([m.abbreviation for m in measure.ministries]),
                    status_with_date(measure),
                ],
            )


def area_section(document: ReportDocument, data: ReportData, area: AreaSection) -> None:
    document.heading(area_heading(area), 1, new_page=True)
    for measure in area.measures:
        measure_section(document, data, measure)


def measure_section(document: ReportDocument, data: ReportData, measure: MeasureEntry) -> None:
    heading = document.heading(measure_heading(measure), 2)
    ooxml.keep_with_next(heading)
    # Who is responsible and the status, right under the heading and never parted from it.
    responsible = _("Ansvarlig departement") if data.units_are_ministries else _("Ansvarlig enhet")
    lines = [
        document.labelled(responsible, _ministry_names(measure.ministries)),
        document.labelled(_("Status"), status_with_date(measure)),
    ]
    if data.draft and measure.review_state is not None and measure.earlier_as_of is None:
        lines.append(document.labelled(_("Rapportens tilstand"), _(measure.review_state.label)))
    for line in lines:
        ooxml.keep_with_next(line)
    document.blocks(measure.description, NARRATIVE_LANGUAGES[data.plan_language])
    sami_text(document, measure.summary_se)
    # One label, not a heading: 50 identical headings would fill the navigation pane.
    label = measure.earlier_round_title if measure.earlier_as_of else data.round_title
    document.paragraph(xml_safe(label, single_line=True), REPORT_LABEL)
    if measure.status is None:
        document.paragraph(_("Ingen rapport for dette tiltaket i denne runden."))
    elif not narrative.parse(xml_safe(measure.narrative)):
        document.paragraph(_("Ingen tekst."))
    else:
        document.blocks(measure.narrative, NARRATIVE_LANGUAGES[measure.narrative_language])
    if measure.status is not None:
        sami_text(document, measure.narrative_se)
    measure_results(document, data, measure.number)


def sami_text(document: ReportDocument, text: str) -> None:
    """A Northern Sámi text under its label «Sámegillii», both marked se-NO; nothing if none."""
    if not narrative.parse(xml_safe(text)):
        return
    label = document.paragraph(SAMI_LABEL, REPORT_LABEL)
    document.in_language(label, SAMI_LANGUAGE)
    document.blocks(text, SAMI_LANGUAGE)


def changes_appendix(document: ReportDocument, changes: ChangesSincePrevious) -> None:
    document.heading(changes_heading(changes), 1, new_page=True)
    if changes.previous_title is None:
        document.paragraph(_("Det finnes ingen tidligere publisert rapport å sammenligne med."))
        return
    if not changes.changes:
        document.paragraph(_("Ingen tiltak har endret status eller tekst siden forrige rapport."))
        if changes.not_reported:
            document.paragraph(_(NOT_COMPARED) % {"count": changes.not_reported})
        return
    document.paragraph(
        _("%(count)d tiltak har endret status eller tekst siden forrige publiserte rapport.")
        % {"count": len(changes.changes)}
    )
    if changes.not_reported:
        document.paragraph(_(NOT_COMPARED) % {"count": changes.not_reported})
    table = document.table([Cm(1.1), Cm(7.0), Cm(3.1), Cm(3.1), Cm(1.7)])
    document.row(
        table,
        [_("Nr."), _("Tiltak"), _("Status før"), _("Status nå"), _("Tekst")],
        header=True,
    )
    for change in changes.changes:
        document.row(
            table,
            [
                str(change.number),
                change.title,
                _status_label(change.old_status),
                _status_label(change.new_status),
                _("Endret") if change.narrative_changed else _("Uendret"),
            ],
        )


NOT_COMPARED = N_("%(count)d tiltak er ikke rapportert i denne rapporten og er ikke sammenlignet.")


def source_notes_appendix(document: ReportDocument, notes: tuple[SourceNote, ...]) -> None:
    document.heading(_(SOURCE_NOTES_HEADING), 1, new_page=True)
    document.paragraph(
        _(
            "Planens tekster er hentet ordrett fra den publiserte rapporten. Der rapportens "
            "oversiktstabell og tiltakenes egne avsnitt sier ulikt, eller teksten ikke er "
            "entydig, forklarer merknadene under hva denne rapporten bygger på."
        )
    )
    for note in notes:
        if note.number is None:
            label = _(MINISTRIES_HEADING)
        else:
            label = _("Tiltak %(heading)s") % {
                "heading": f"{note.number}. {xml_safe(note.title, single_line=True)}"
            }
        document.paragraph(label, REPORT_LABEL)
        document.blocks(note.note)


# --- Words --------------------------------------------------------------------------------------


def summary_sentence(data: ReportData) -> str:
    totals = data.summary.totals
    return _(
        "Av totalt %(total)d tiltak i handlingsplanen er %(completed)d tiltak gjennomført, "
        "%(in_progress)d er pågående og %(not_started)d er ikke igangsatt ennå."
    ) % {
        "total": data.measure_count,
        "completed": totals.get(Status.COMPLETED, 0),
        "in_progress": totals.get(Status.IN_PROGRESS, 0),
        "not_started": totals.get(Status.NOT_STARTED, 0),
    }


def reported_in_round_sentence(data: ReportData) -> str:
    """How many measures reported in this round; the others carry their last published status."""
    sentence = _("%(reported)d av %(total)d tiltak har rapportert i denne runden.") % {
        "reported": data.reported_in_round,
        "total": data.measure_count,
    }
    if data.draft:
        sentence += " " + _(
            "For de andre vises det som er lagret i runden, eller siste publiserte status med "
            "datoen den er fra."
        )
    elif data.reported_in_round + data.unreported_count < data.measure_count:
        sentence += " " + _(
            "For de andre gjelder status fra siste publiserte rapport, med datoen den er fra."
        )
    return sentence


def status_with_date(measure: MeasureEntry) -> str:
    """«Gjennomført», or with a status from an earlier round: «Gjennomført (sist rapportert pr.
    1. juni 2025)»."""
    if measure.earlier_as_of is None:
        return _(measure.status_label)
    return _("%(status)s (sist rapportert pr. %(date)s)") % {
        "status": _(measure.status_label),
        "date": report_date(measure.earlier_as_of),
    }


def join_names(names: list[str]) -> str:
    """AID, KUD og KD"""
    return (
        names[0] if len(names) == 1 else ", ".join(names[:-1]) + " og " + names[-1] if names else ""
    )


def _count_in_words(count: int) -> str:
    return _(NUMBER_WORDS[count]) if count < len(NUMBER_WORDS) else str(count)


def _ministry_names(ministries: tuple[MinistryRef, ...]) -> str:
    return join_names([ministry.name for ministry in ministries])


def _status_label(status: Status | None) -> str:
    return _(status.label) if status else _("Ikke rapportert")
