"""What goes into the report: final versus draft, the changes appendix, and a fixed query count."""

from datetime import date

from sqlalchemy import event

from tests.factories import MeasureFactory, PlanFactory, ReportFactory, RoundFactory
from tests.support.docx_reading import measure_sections, open_docx, paragraph_texts, table_rows
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.measures.queries import areas_with_measures
from tracker.reporting.queries import get_round
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.typography import as_read


def _open_round_with_reports_in_every_state():
    """A new round where measures 1–3 of the seeded plan have approved, submitted and draft
    texts."""
    reporting_round = RoundFactory(slug="host-2026", title="Statusrapport", as_of=date(2026, 6, 1))
    measures = {m.number: m for area in areas_with_measures(PlanFactory()) for m in area.measures}
    ReportFactory(
        round=reporting_round,
        measure=measures[1],
        status=Status.COMPLETED,
        narrative="Kampanjen ble gjennomført i juni.",
        review_state=ReviewState.APPROVED,
    )
    ReportFactory(
        round=reporting_round,
        measure=measures[2],
        status=Status.IN_PROGRESS,
        narrative="Innsendt tekst som venter på godkjenning.",
        review_state=ReviewState.SUBMITTED,
    )
    ReportFactory(
        round=reporting_round,
        measure=measures[3],
        status=Status.NOT_STARTED,
        narrative="Halvferdig utkast fra departementet.",
        review_state=ReviewState.DRAFT,
    )
    db.session.commit()
    return reporting_round


def test_final_report_leaves_out_texts_that_are_not_approved(seeded):
    reporting_round = _open_round_with_reports_in_every_state()
    document = open_docx(build_midterm_report(collect_report_data(reporting_round)))
    texts = "\n".join(paragraph_texts(document))
    assert "Kampanjen ble gjennomført i juni." in texts
    assert "Innsendt tekst som venter på godkjenning." not in texts
    assert "Halvferdig utkast fra departementet." not in texts
    assert "UTKAST" not in texts and "UTKAST" not in document.sections[0].header.paragraphs[0].text
    sections = measure_sections(document)
    # Not approved in this round: the status the public last saw, with its date.
    assert "Status: Pågående (sist rapportert pr. 1. juni 2025)" in [
        as_read(p.text) for p in sections[2].body
    ]
    assert (
        "Av totalt 50 tiltak i handlingsplanen er 14 tiltak gjennomført, 31 er pågående og 5 er "
        "ikke igangsatt ennå." in texts
    )
    assert "1 av 50 tiltak har rapportert i denne runden." in texts
    header, *areas, total = table_rows(document.tables[0])
    assert header == ["Område", "Gjennomført", "Pågående", "Ikke igangsatt", "Totalt"]
    assert areas[0] == ["Arbeidsliv", "6", "8", "2", "16"]
    assert total == ["Totalt", "14", "31", "5", "50"]


def test_draft_report_includes_submitted_and_draft_texts_marked_utkast(seeded):
    reporting_round = _open_round_with_reports_in_every_state()
    document = open_docx(build_midterm_report(collect_report_data(reporting_round, draft=True)))
    texts = "\n".join(paragraph_texts(document))
    for narrative in (
        "Kampanjen ble gjennomført i juni.",
        "Innsendt tekst som venter på godkjenning.",
        "Halvferdig utkast fra departementet.",
    ):
        assert narrative in texts
    # The header is on every page of the (single) section.
    assert document.sections[0].header.paragraphs[0].text.startswith("UTKAST")
    assert "UTKAST – inneholder tekster som ikke er godkjent" in texts
    assert "Rapportens tilstand: Sendt til gjennomgang" in [
        p.text for p in measure_sections(document)[2].body
    ]
    assert (
        "Av totalt 50 tiltak i handlingsplanen er 14 tiltak gjennomført, 30 er pågående og 6 er "
        "ikke igangsatt ennå." in texts
    )
    # Measure 3's text is a saved draft: shown, but not yet reported.
    assert "2 av 50 tiltak har rapportert i denne runden." in texts


def test_changes_appendix_lists_what_changed_since_the_previous_published_round(seeded):
    later = _open_round_with_reports_in_every_state()
    later.state = RoundState.PUBLISHED
    db.session.commit()
    document = open_docx(
        build_midterm_report(collect_report_data(later, include_changes=True, draft=True))
    )
    assert "Vedlegg: Endringer siden Midtveisrapport (1. juni 2025)" in paragraph_texts(document)
    rows = table_rows(document.tables[-1])
    assert rows[0] == ["Nr.", "Tiltak", "Status før", "Status nå", "Tekst"]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["1"][2:] == ["Pågående", "Gjennomført", "Endret"]
    assert by_number["3"][2:] == ["Pågående", "Ikke igangsatt", "Endret"]
    # Measures without a report in the new round keep their published status: no change.
    assert "50" not in by_number
    assert sorted(by_number, key=int) == ["1", "2", "3"]
    texts = paragraph_texts(document)
    assert "3 tiltak har endret status eller tekst siden forrige publiserte rapport." in texts
    assert not any("ikke sammenlignet" in text for text in texts)


def test_changes_appendix_says_so_when_there_is_no_earlier_round(seeded):
    data = collect_report_data(get_round("midtveis-2025"), include_changes=True)
    texts = paragraph_texts(open_docx(build_midterm_report(data)))
    assert "Vedlegg: Endringer siden forrige rapport" in texts
    assert "Det finnes ingen tidligere publisert rapport å sammenligne med." in texts


def test_collecting_uses_the_same_number_of_queries_however_many_measures(seeded, app):
    reporting_round = get_round("midtveis-2025")
    db.session.expire_all()  # both counts start from nothing loaded
    first = _count_queries(app, lambda: collect_report_data(reporting_round, include_changes=True))
    for _ in range(20):
        ReportFactory(
            round=reporting_round, measure=MeasureFactory(), review_state=ReviewState.APPROVED
        )
    db.session.commit()
    db.session.expire_all()
    second = _count_queries(app, lambda: collect_report_data(reporting_round, include_changes=True))
    assert first == second
    assert collect_report_data(reporting_round).measure_count == 70


def _count_queries(app, work) -> int:
    statements = []

    def record(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)
