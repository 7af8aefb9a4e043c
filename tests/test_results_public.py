"""The public measure page shows results only as published: the milestone timeline (done,
due, overdue), each indicator as a chart and the same numbers as a table with a progress
sentence, and evidence of approved, published reports; the list filters «forsinket»."""

import re
from datetime import date, timedelta

import pytest

from tests.factories import (
    EvidenceFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    MeasureFactory,
    MilestoneFactory,
    ReportFactory,
    RoundFactory,
)
from tests.support.public_helpers import PLAN_ONE
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState
from tracker.typography import as_read

TODAY = date.today()


@pytest.fixture
def published(app):
    """Measure 1 with a report approved in a published round, and a draft in an open one."""
    measure = MeasureFactory(number=1, title="Tiltak med resultater")
    report = ReportFactory(
        measure=measure,
        review_state=ReviewState.APPROVED,
        round=RoundFactory(
            slug="var-2026", title="Vår 2026", as_of=date(2026, 6, 1), state=RoundState.PUBLISHED
        ),
    )
    draft = ReportFactory(
        measure=measure,
        review_state=ReviewState.DRAFT,
        round=RoundFactory(slug="host-2026", title="Høst 2026", as_of=date(2026, 10, 1)),
    )
    return measure, report, draft


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_timeline_shows_done_due_and_overdue_and_a_draft_tick_stays_private(client, published):
    measure, report, draft = published
    MilestoneFactory(
        measure=measure,
        title="Kartlegging",
        due_on=date(2025, 3, 1),
        done_on=date(2025, 2, 1),
        done_report=report,
    )
    MilestoneFactory(measure=measure, title="Veileder", due_on=TODAY - timedelta(days=30))
    MilestoneFactory(
        measure=measure,
        title="Ticked in a draft",
        due_on=TODAY - timedelta(days=10),
        done_on=TODAY - timedelta(days=5),
        done_report=draft,
    )
    MilestoneFactory(measure=measure, title="Evaluering", due_on=TODAY + timedelta(days=300))
    db.session.commit()
    page = client.get(f"{PLAN_ONE}/tiltak/1").get_data(as_text=True)
    states = re.findall(r'data-state="(\w+)"', page)
    assert states == ["done", "overdue", "overdue", "due"]
    assert "Kartlegging" in as_read(page) and "1. februar 2025" in as_read(page)


def test_indicator_chart_table_and_progress_sentence_show_published_values_only(client, published):
    measure, report, draft = published
    indicator = IndicatorFactory(
        measure=measure, name="Kommuner med plan", baseline_value=20, target_value=60
    )
    IndicatorValueFactory(indicator=indicator, report=report, value=42, period="2025")
    IndicatorValueFactory(indicator=indicator, report=draft, value=55, period="2026")
    db.session.commit()
    page = client.get(f"{PLAN_ONE}/tiltak/1").get_data(as_text=True)
    assert "42 av 60, 70 % av målet" in page
    table = page[page.index(f'id="indicator-table-{indicator.id}"') :]
    table = table[: table.index("</table>")]
    assert "20" in text_of(table) and "42" in text_of(table) and "60" in text_of(table)
    assert "55" not in text_of(table)  # the draft's value is nobody's business yet
    assert f'data-indicator-table="indicator-table-{indicator.id}"' in page
    assert "js/indicator-chart.js" in page


def test_only_evidence_of_approved_published_reports_and_not_internal_is_listed(client, published):
    measure, report, draft = published
    EvidenceFactory(report=report, original_name="offentlig.pdf", title="Sluttrapport")
    EvidenceFactory(report=report, original_name="intern.pdf", title="Internt notat", internal=True)
    EvidenceFactory(report=draft, original_name="utkast.pdf", title="Utkastnotat")
    db.session.commit()
    page = client.get(f"{PLAN_ONE}/tiltak/1").get_data(as_text=True)
    assert "Sluttrapport" in page
    assert "Internt notat" not in page and "Utkastnotat" not in page


def test_the_list_filters_measures_with_an_overdue_milestone(client, published):
    measure, report, draft = published
    MilestoneFactory(measure=measure, due_on=TODAY - timedelta(days=1))
    on_time = MeasureFactory(number=2, title="Tiltak i rute", area=measure.area)
    MilestoneFactory(measure=on_time, due_on=TODAY - timedelta(days=10), done_on=TODAY)
    MeasureFactory(number=3, title="Tiltak uten delmål", area=measure.area)
    db.session.commit()
    page = client.get(f"{PLAN_ONE}/tiltak?forsinket=ja").get_data(as_text=True)
    assert "Tiltak med resultater" in page
    assert "Tiltak i rute" not in page and "Tiltak uten delmål" not in page
    assert 'id="filter-overdue" name="forsinket" value="ja" checked' in page


def test_a_change_to_results_reaches_a_cached_page(client, published):
    measure, report, draft = published
    url = f"{PLAN_ONE}/tiltak/1"
    assert "Veileder sendt" not in client.get(url).get_data(as_text=True)
    MilestoneFactory(measure=measure, title="Veileder sendt")
    db.session.commit()
    assert "Veileder sendt" in client.get(url).get_data(as_text=True)


def test_the_measures_feed_says_which_milestone_its_report_reached(client, published):
    measure, report, draft = published
    MilestoneFactory(
        measure=measure, title="Veileder sendt", done_on=date(2026, 3, 1), done_report=report
    )
    MilestoneFactory(
        measure=measure, title="Bare i utkastet", done_on=date(2026, 9, 1), done_report=draft
    )
    db.session.commit()
    feed = client.get(f"{PLAN_ONE}/tiltak/1/feed.atom").get_data(as_text=True)
    assert "Delmål nådd:" in as_read(feed) and "Veileder sendt (1. mars 2026)" in as_read(feed)
    assert "Bare i utkastet" not in feed
