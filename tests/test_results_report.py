"""The report's results part: under each measure the milestones reached this period and its
indicators with baseline, latest value and target; an appendix of indicators and budget per
area. What is shown follows the report's rule: approved values only, unless it is a draft."""

from datetime import date

import pytest

from tests.factories import (
    AreaFactory,
    BudgetLineFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MilestoneFactory,
    ReportFactory,
    RoundFactory,
)
from tests.support.docx_reading import headings, open_docx, paragraph_texts, table_rows
from tracker.export.docx_report import build_midterm_report
from tracker.export.midterm import FINAL_REPORT, export_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState


@pytest.fixture
def two_rounds(app):
    area = AreaFactory(name="Arbeidsliv")
    measure = MeasureFactory(number=4, area=area, title="Mangfold i staten")
    other = MeasureFactory(number=5, area=AreaFactory(name="Utdanning"), title="Skoletiltak")
    spring = RoundFactory(slug="var-2025", as_of=date(2025, 6, 1), state=RoundState.PUBLISHED)
    autumn = RoundFactory(slug="host-2026", as_of=date(2026, 10, 1), state=RoundState.CLOSED)
    old = ReportFactory(round=spring, measure=measure, review_state=ReviewState.APPROVED)
    new = ReportFactory(round=autumn, measure=measure, review_state=ReviewState.APPROVED)
    under_review = ReportFactory(round=autumn, measure=other, review_state=ReviewState.SUBMITTED)
    MilestoneFactory(measure=measure, title="Kartlegging", done_on=date(2025, 3, 1))
    MilestoneFactory(
        measure=measure, title="Veileder publisert", done_on=date(2026, 4, 2), done_report=new
    )
    indicator = IndicatorFactory(
        measure=measure, name="Ansatte med innvandrerbakgrunn", unit="antall"
    )
    IndicatorValueFactory(indicator=indicator, report=old, value=30, period="2024")
    IndicatorValueFactory(indicator=indicator, report=new, value=42, period="2025")
    school = IndicatorFactory(measure=other, name="Skoler med opplegg", target_value=100)
    IndicatorValueFactory(indicator=school, report=under_review, value=77)
    BudgetLineFactory(measure=measure, year=2025, allocated=1_000_000, spent=400_000)
    BudgetLineFactory(measure=measure, year=2026, allocated=2_000_000, spent=600_000)
    BudgetLineFactory(measure=other, year=2026, allocated=500_000, spent=0)
    db.session.commit()
    return autumn


def section_texts(document, start: str, stop_prefix: str) -> list[str]:
    texts = paragraph_texts(document)
    begin = texts.index(start)
    end = next(i for i, t in enumerate(texts) if i > begin and t.startswith(stop_prefix))
    return texts[begin:end]


def test_a_measure_shows_milestones_reached_this_period_and_its_indicators(two_rounds):
    document = open_docx(build_midterm_report(collect_report_data(two_rounds)))
    rows = [row for table in document.tables for row in table_rows(table)]
    # Reached since the previous published round (1 June 2025): not the one from March 2025.
    assert ["Veileder publisert", "2. april 2026"] in rows
    assert not any(row[0] == "Kartlegging" for row in rows)
    assert [
        "Ansatte med innvandrerbakgrunn (antall)",
        "20 (2023)",
        "42 (2025)",
        "60 (2027)",
    ] in rows
    texts = paragraph_texts(document)
    assert "Ansatte med innvandrerbakgrunn: 42 av 60, 70 % av målet" in texts
    # Measure 5's value is in a report still under review: not in a published report.
    assert "Skoler med opplegg: 77 av 100, 77 % av målet" not in texts


def test_the_appendix_lists_indicators_and_budget_totals_per_area(two_rounds):
    document = open_docx(build_midterm_report(collect_report_data(two_rounds)))
    assert ("Heading 1", "Vedlegg: Indikatorer og budsjett per område") in headings(document)
    tables = [table_rows(table) for table in document.tables]
    budget = next(t for t in tables if t[0] == ["Område", "Bevilget", "Brukt"])
    assert budget[1:] == [
        ["Arbeidsliv", "3 000 000", "1 000 000"],
        ["Utdanning", "500 000", "0"],
        ["Totalt", "3 500 000", "1 000 000"],
    ]
    indicators = next(t for t in tables if t[0][:2] == ["Nr.", "Indikator"])
    assert ["Arbeidsliv"] in indicators and ["Utdanning"] in indicators
    assert ["5", "Skoler med opplegg (antall)", "20 (2023)", "Ikke rapportert", "100 (2027)"] in (
        indicators
    )


def test_a_draft_report_shows_values_still_under_review(two_rounds):
    document = open_docx(build_midterm_report(collect_report_data(two_rounds, draft=True)))
    assert "Skoler med opplegg: 77 av 100, 77 % av målet" in paragraph_texts(document)


def test_a_final_report_says_sluttrapport_and_leads_with_the_results(two_rounds):
    report = export_midterm_report(
        two_rounds, draft=True, with_chart=False, with_pdf=False, kind=FINAL_REPORT
    )
    assert "sluttrapport" in report.filename
    document = open_docx(report.content)
    texts = paragraph_texts(document)
    assert "Sluttrapport" in texts[:4]  # on the title page
    level_one = [text for style, text in headings(document) if style == "Heading 1"]
    results = level_one.index("Resultater: indikatorer og budsjett per område")
    first_area = next(i for i, text in enumerate(level_one) if text.startswith("Tiltak: "))
    assert results < first_area
    assert "Vedlegg: Indikatorer og budsjett per område" not in level_one
    # The usual report keeps the results as its appendix, after the areas.
    usual = open_docx(build_midterm_report(collect_report_data(two_rounds, draft=True)))
    assert "Sluttrapport" not in paragraph_texts(usual)
