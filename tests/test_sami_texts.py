"""Northern Sámi texts (issue 26): a report's narrative and a measure's public summary may exist
also in Northern Sámi (`se`). The contact person writes the first beside the narrative, the
coordinator the second beside the plan's text; the public page shows each, marked lang="se",
folded under «Sámegillii»; the interface itself stays in nb/nn/en."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from tests.factories import AreaFactory, MeasureFactory, PlanFactory, ReportFactory, RoundFactory
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import build_world, csrf_token, fresh, make_user
from tests.test_api import openapi, response_validator
from tracker.extensions import db
from tracker.models import MeasureReport, PlanChange, ReportRevision, Role
from tracker.reporting.operations import open_round
from tracker.reporting.states import ReviewState, RoundState, Status

# Tests write their own Sámi: none is in the sources.
SAMI_NARRATIVE = "Bargu lea jođus. Kampánja lea jorgaluvvon davvisámegillii."
SAMI_SUMMARY = "Doaibma lea oassi doaibmabidjoplánas."


def post(client, url: str, data: dict):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, url)})


def report_form(report, **fields) -> dict:
    data = {
        "status": "in_progress",
        "narrative": fresh(report).narrative,
        "narrative_language": "nb",
        "version": str(fresh(report).version),
        "save": "Lagre utkast",
    } | fields
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def world(app):
    return build_world()


def test_the_contact_saves_a_sami_text_with_the_report_and_its_history(client, world, login):
    login(world.lead_contact)
    page = client.get(world.report_url).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*lang="se"[^>]*name="narrative_se"', page)
    assert "Tekst på nordsamisk" in page
    before = fresh(world.report).version

    response = post(
        client, world.report_url, report_form(world.report, narrative_se=SAMI_NARRATIVE)
    )

    assert response.status_code == 302
    report = fresh(world.report)
    assert (report.narrative_se, report.version) == (SAMI_NARRATIVE, before + 1)
    revision = db.session.scalars(
        select(ReportRevision).where(ReportRevision.report_id == report.id)
    ).all()[-1]
    assert (revision.version, revision.new_narrative_se) == (report.version, SAMI_NARRATIVE)
    assert SAMI_NARRATIVE in client.get(world.report_url).get_data(as_text=True)
    # A client that predates the field keeps the Sámi text; saving it unchanged is no change.
    post(client, world.report_url, report_form(world.report))
    assert (fresh(world.report).narrative_se, fresh(world.report).version) == (
        SAMI_NARRATIVE,
        before + 1,
    )
    # Emptied, it is gone, and that is a version of its own.
    post(client, world.report_url, report_form(world.report, narrative_se=""))
    assert (fresh(world.report).narrative_se, fresh(world.report).version) == ("", before + 2)


def test_a_too_long_sami_text_gets_a_norwegian_message_and_changes_nothing(
    client, world, login, app
):
    login(world.lead_contact)
    before = fresh(world.report).version
    too_long = "a" * (app.config["NARRATIVE_MAX_LENGTH"] + 1)
    response = post(client, world.report_url, report_form(world.report, narrative_se=too_long))
    assert response.status_code == 400
    assert (fresh(world.report).narrative_se, fresh(world.report).version) == ("", before)


@pytest.fixture
def published(app):
    """Plan one with measure 1 (a Sámi summary) and 2 (none), both reported and published."""
    plan = PlanFactory()
    area = AreaFactory(plan=plan, key="arbeidsliv", name="Arbeidsliv")
    reporting_round = RoundFactory(
        plan=plan,
        slug="midtveis",
        title="Midtveisrapport",
        state=RoundState.PUBLISHED,
        published_at=datetime(2025, 6, 20, tzinfo=UTC),
    )
    with_sami = MeasureFactory(area=area, number=1, title="Kampanje", summary_se=SAMI_SUMMARY)
    without = MeasureFactory(area=area, number=2, title="Kurs")
    for measure, sami in ((with_sami, SAMI_NARRATIVE), (without, "")):
        ReportFactory(
            round=reporting_round,
            measure=measure,
            status=Status.IN_PROGRESS,
            narrative="Arbeidet er i gang.",
            narrative_se=sami,
            review_state=ReviewState.APPROVED,
        )
    db.session.commit()
    return plan


def test_the_public_page_shows_the_sami_texts_marked_as_sami(client, published):
    page = client.get(f"{PLAN_ONE}/tiltak/1").get_data(as_text=True)
    summary = re.search(r'<details class="sami-text" id="summary-se">(.*?)</details>', page, re.S)
    assert summary and f'<div lang="se"><p>{SAMI_SUMMARY}</p></div>' in summary.group(1)
    assert '<summary lang="se">Sámegillii</summary>' in summary.group(1)
    narrative = re.search(
        r'<details class="sami-text" id="narrative-se">(.*?)</details>', page, re.S
    )
    assert narrative and SAMI_NARRATIVE in narrative.group(1)
    assert re.search(r'<html[^>]*lang="nb"', page)  # the interface stays Norwegian
    assert "Sámegillii" not in client.get(f"{PLAN_ONE}/tiltak/2").get_data(as_text=True)


def test_the_coordinator_writes_a_measures_sami_summary_and_it_is_in_the_change_log(
    client, login, app
):
    PlanFactory()
    measure = MeasureFactory(number=1, title="Kampanje", description="Planens tekst.")
    coordinator = make_user(Role.COORDINATOR, email="koord@example.no", name="Kari Koordinator")
    db.session.commit()
    login(coordinator)
    url = "/planarbeid/handlingsplan-rasisme-2024-2027/tiltak/1"
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<textarea[^>]*lang="se"[^>]*name="summary_se"', page)
    form = {
        "title": measure.title,
        "description": measure.description,
        "area": measure.area.key,
        "units": ", ".join(unit.abbreviation for unit in measure.units),
        "version": measure.version,
    }

    response = post(client, url, form | {"summary_se": SAMI_SUMMARY})

    assert response.status_code == 302
    assert (fresh(measure).summary_se, fresh(measure).version) == (SAMI_SUMMARY, 2)
    change = db.session.scalars(select(PlanChange)).one()
    assert change.details["summary_se"] == {"old": "", "new": SAMI_SUMMARY}
    assert SAMI_SUMMARY in client.get(f"{PLAN_ONE}/tiltak/1").get_data(as_text=True)
    # Left out of the form, the summary stays.
    post(client, url, form | {"version": 2, "title": "Kampanje på nytt"})
    assert (fresh(measure).summary_se, fresh(measure).title) == (SAMI_SUMMARY, "Kampanje på nytt")


def test_the_api_and_the_open_data_carry_the_sami_texts_and_count_them(client, published):
    document = openapi(client)
    api = "/api/v1/plans/handlingsplan-rasisme-2024-2027/measures"
    for path, number in ((f"{api}/1", 1), (f"{api}/2", 2)):
        answer = client.get(path)
        response_validator(document, "/plans/{plan_slug}/measures/{number}", 200).validate(
            answer.get_json()
        )
        body = answer.get_json()
        if number == 1:
            assert body["summary_se"] == SAMI_SUMMARY
            assert body["current_status"]["narrative_se"] == SAMI_NARRATIVE
        else:
            assert body["summary_se"] is None and body["current_status"]["narrative_se"] is None

    data = client.get(f"{PLAN_ONE}/data/tiltak.json").get_json()
    assert data["measures_with_sami_text"] == 1
    rows = {row["number"]: row for row in data["measures"]}
    assert (rows[1]["summary_se"], rows[1]["narrative_se"]) == (SAMI_SUMMARY, SAMI_NARRATIVE)
    assert (rows[2]["summary_se"], rows[2]["narrative_se"]) == ("", "")
    header = client.get(f"{PLAN_ONE}/data/tiltak.csv").get_data(as_text=True).splitlines()[0]
    assert header.endswith(",summary_se,narrative_se")


def test_a_new_round_offers_the_published_sami_text_again(published):
    coordinator = make_user(Role.COORDINATOR, email="koord@example.no", name="Kari Koordinator")
    new_round = open_round(published, "neste", "Neste", date(2027, 1, 1), None, coordinator)
    drafts = {
        report.measure.number: report
        for report in db.session.scalars(
            select(MeasureReport).where(MeasureReport.round_id == new_round.id)
        )
    }
    assert (drafts[1].narrative_se, drafts[2].narrative_se) == (SAMI_NARRATIVE, "")
    assert drafts[1].revisions[-1].new_narrative_se == SAMI_NARRATIVE


def test_the_coordinator_reviewing_a_submitted_report_reads_its_sami_text(client, login, app):
    world = build_world(review_state=ReviewState.SUBMITTED)
    world.report.narrative_se = SAMI_NARRATIVE
    db.session.commit()
    login(world.coordinator)
    page = client.get(world.report_url).get_data(as_text=True)
    assert (
        f'<div class="narrative" lang="se" id="narrative-se"><p>{SAMI_NARRATIVE}</p></div>' in page
    )
