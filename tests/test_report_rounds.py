"""A plan reported in three rounds: the report of any round gives every measure's status on the
round's date, the same numbers the public page shows, and says which statuses are older."""

import re
from datetime import date

import pytest

from tests.factories import (
    PLAN_ONE_SLUG,
    AreaFactory,
    MeasureFactory,
    PlanFactory,
    ReportFactory,
    RoundFactory,
)
from tests.support.docx_reading import measure_sections, open_docx, paragraph_texts
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.typography import as_read

PUBLIC_TOTALS = re.compile(
    r"Av totalt (\d+) tiltak er (\d+) gjennomført, (\d+) pågående og (\d+) ikke igangsatt"
)
REPORT_TOTALS = re.compile(
    r"Av totalt (\d+) tiltak i handlingsplanen er (\d+) tiltak gjennomført, (\d+) er pågående "
    r"og (\d+) er ikke igangsatt"
)


@pytest.fixture
def three_rounds(app):
    """Six measures; round one reports five, round two two of them, round three one more (and
    one report still awaiting approval). Measure 6 is never reported."""
    plan = PlanFactory()
    areas = [AreaFactory(plan=plan), AreaFactory(plan=plan)]
    measures = [MeasureFactory(plan=plan, area=areas[n // 3], number=n + 1) for n in range(6)]
    rounds = [
        RoundFactory(plan=plan, slug=slug, title=title, as_of=as_of, state=RoundState.PUBLISHED)
        for slug, title, as_of in (
            ("runde-2025", "Midtveisrapport", date(2025, 6, 1)),
            ("runde-2025-2", "Høstrapport 2025", date(2025, 12, 1)),
            ("runde-2026", "Rapport 2026", date(2026, 6, 1)),
        )
    ]

    def report(round_index, number, status, review_state=ReviewState.APPROVED):
        ReportFactory(
            round=rounds[round_index],
            measure=measures[number - 1],
            status=status,
            review_state=review_state,
            narrative=f"Tekst for tiltak {number} i {rounds[round_index].title}.",
        )

    report(0, 1, Status.COMPLETED)
    for number in (2, 3, 4, 5):
        report(0, number, Status.IN_PROGRESS)
    report(1, 2, Status.COMPLETED)
    report(1, 3, Status.IN_PROGRESS)
    report(2, 4, Status.COMPLETED)
    report(2, 5, Status.NOT_STARTED, ReviewState.SUBMITTED)  # not approved: not counted
    db.session.commit()
    return rounds


def test_report_of_the_third_round_counts_what_the_public_page_shows(three_rounds, client):
    page = client.get(f"/planer/{PLAN_ONE_SLUG}/").get_data(as_text=True)
    public = PUBLIC_TOTALS.search(re.sub(r"\s+", " ", page))
    assert public is not None
    assert public.groups() == ("6", "3", "2", "0")  # 1, 2 and 4 completed; 3 and 5 in progress

    document = open_docx(build_midterm_report(collect_report_data(three_rounds[2])))
    texts = paragraph_texts(document)
    report = next(m for m in map(REPORT_TOTALS.search, texts) if m)
    assert report.groups() == public.groups()
    assert "1 tiltak er ikke rapportert ennå." in texts
    assert "1 av 6 tiltak har rapportert i denne runden." in " ".join(texts)

    sections = measure_sections(document)

    def says(number: int) -> list[str]:
        section = sections[number]
        return [as_read(p.text) for p in section.body + section.report]

    assert "Status: Gjennomført (sist rapportert pr. 1. juni 2025)" in says(1)
    assert "Status: Pågående (sist rapportert pr. 1. desember 2025)" in says(3)
    assert "Status: Gjennomført" in says(4)  # this round's own report: no date
    assert "Tekst for tiltak 1 i Midtveisrapport." in says(1)
    assert "Status: Ikke rapportert" in says(6)


def test_report_of_an_earlier_round_counts_as_of_its_own_date(three_rounds):
    texts = paragraph_texts(open_docx(build_midterm_report(collect_report_data(three_rounds[1]))))
    report = next(m for m in map(REPORT_TOTALS.search, texts) if m)
    assert report.groups() == ("6", "2", "3", "0")  # round three's report is later
    assert "2 av 6 tiltak har rapportert i denne runden." in " ".join(texts)


def test_draft_without_an_introduction_says_it_is_missing(three_rounds):
    three_rounds[2].intro = ""
    texts = paragraph_texts(
        open_docx(build_midterm_report(collect_report_data(three_rounds[2], draft=True)))
    )
    start = len(texts) - 1 - texts[::-1].index("Om rapporten")  # the heading, not the TOC entry
    assert texts[start + 1].startswith("Innledningen mangler.")


def test_source_notes_appear_only_in_the_first_rounds_draft(three_rounds):
    PlanFactory().note = "Merknad om tabellen i den publiserte rapporten."
    heading = "Vedlegg: Merknader om kildegrunnlaget"

    def texts(reporting_round, draft):
        data = collect_report_data(reporting_round, draft=draft)
        return paragraph_texts(open_docx(build_midterm_report(data)))

    assert heading in texts(three_rounds[0], draft=True)
    assert heading not in texts(three_rounds[0], draft=False)
    assert heading not in texts(three_rounds[2], draft=True)
    assert heading not in texts(three_rounds[2], draft=False)
