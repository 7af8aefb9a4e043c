"""Two people on one report, the history, and the coordinator's side: rounds, review and
publication."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from tests.factories import MeasureFactory, PlanFactory, ReportFactory
from tests.support.app import RequestPerContextClient
from tests.support.workflow import (
    audit_events,
    build_world,
    csrf_token,
    field_error,
    fresh,
    make_user,
    post_report,
    snapshot,
    textarea_text,
)
from tracker.extensions import db
from tracker.ministries.queries import get_unit
from tracker.models import Measure, MeasureReport, ReportingRound, Responsibility, Role
from tracker.plan.loader import load_plan
from tracker.reporting.operations import close_round, open_round
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.reporting.workflow_queries import today
from tracker.typography import as_read

# Opening a round refuses a deadline that has passed, so the tests pick one ahead of today.
DEADLINE = today() + timedelta(days=30)


@pytest.fixture
def world(app):
    return build_world()


def second_client(app, user):
    """Another person's browser."""
    client = RequestPerContextClient(app, app.response_class, use_cookies=True)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    return client


def test_the_second_save_shows_a_conflict_and_loses_nothing(client, app, world, login):
    login(world.lead_contact)
    colleague = second_client(app, world.co_contact)
    # Both open the form on version 1.
    token = csrf_token(colleague, world.report_url)
    assert (
        post_report(
            client, world, status="completed", narrative="Lea skrev dette først."
        ).status_code
        == 302
    )
    response = colleague.post(
        world.report_url,
        data={
            "csrf_token": token,
            "version": "1",
            "status": "not_started",
            "narrative": "Mats sin tekst, skrevet samtidig.",
            "save": "Lagre utkast",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Noen andre har lagret rapporten først" in page
    assert "Lea Leder lagret tiltak 7" in page
    assert "Lea skrev dette først." in page  # the saved text
    assert textarea_text(page) == "Mats sin tekst, skrevet samtidig."  # the typed text, to copy
    assert 'name="version" type="hidden" value="2"' in page
    assert 'value="not_started" checked' in page or re.search(
        r'checked[^>]*value="not_started"', page
    )
    report = fresh(world.report)
    assert (report.narrative, report.status, report.version) == (
        "Lea skrev dette først.",
        Status.COMPLETED,
        2,
    )
    # Saving from the conflict page, on the version it now shows, goes through.
    merged = colleague.post(
        world.report_url,
        data={
            "csrf_token": token,
            "version": "2",
            "status": "completed",
            "narrative": "Lea skrev dette først. Mats la til dette.",
            "save": "Lagre utkast",
        },
    )
    assert merged.status_code == 302
    assert fresh(world.report).narrative == "Lea skrev dette først. Mats la til dette."


def test_history_lists_every_version_and_compares_two(client, world, login):
    login(world.lead_contact)
    post_report(client, world, status="in_progress", narrative="Første avsnitt.\n\nAndre avsnitt.")
    login(world.co_contact)
    post_report(
        client, world, status="completed", narrative="Første avsnitt.\n\nAndre avsnitt <endret>."
    )
    page = client.get(world.report_url + "/historikk?fra=2&til=3").get_data(as_text=True)
    rows = re.findall(
        r"<tr>\s*<td>(\d+)</td>\s*<td>[^<]+</td>\s*<td>([^<]+)</td>\s*<td>([^<]+)</td>", page
    )
    assert rows == [("2", "Lea Leder", "Utkast lagret"), ("3", "Mats Med", "Utkast lagret")]
    assert "Endringer fra versjon 2 til versjon 3" in page
    status_change = re.sub(
        r"<[^>]+>|\s+", " ", re.search(r'id="status-change">(.*?)</p>', page, re.S).group(1)
    )
    assert status_change.split() == ["Status", "endret:", "Pågående", "→", "Gjennomført"]
    assert re.search(r"<del><span class=\"ds-sr-only\">\[fjernet:\] </span>avsnitt\.</del>", page)
    assert re.search(
        r"<ins><span class=\"ds-sr-only\">\[lagt til:\] </span>avsnitt &lt;endret&gt;\.</ins>", page
    )


def test_history_without_a_chosen_version_shows_the_latest_change(client, world, login):
    login(world.lead_contact)
    post_report(client, world, narrative="Helt ny tekst.")
    page = client.get(world.report_url + "/historikk").get_data(as_text=True)
    assert "Endringene i versjon 2" in page
    assert "Opprinnelig" in re.search(r"<del>.*?</del>", page, re.S).group(0)


def test_coordinator_overview_counts_per_ministry_with_overdue_and_contacts(client, app, login):
    world = build_world(deadline=date(2020, 1, 15))
    lead_measure = world.report.measure
    for number, state in enumerate(
        (ReviewState.SUBMITTED, ReviewState.RETURNED, ReviewState.APPROVED, ReviewState.DRAFT),
        start=20,
    ):
        measure = MeasureFactory(number=number, units=[lead_measure.lead_unit])
        report = ReportFactory(round=world.reporting_round, measure=measure, review_state=state)
    db.session.flush()
    report.narrative = "Endret av departementet."  # a saved draft is no longer "not started"
    make_user(Role.CONTACT, world.lead, email="slutta@led.example.no", name="Sluttet", active=False)
    db.session.commit()
    login(world.coordinator)
    page = client.get("/rapportering/status-2026/oversikt").get_data(as_text=True)
    row = re.search(r'<tr data-unit="LED">(.*?)</tr>', page, re.S).group(1)
    counts = dict(re.findall(r'data-progress="(\w+)">(\d+)<', row))
    assert counts == {
        "not_started": "1",
        "draft": "1",
        "submitted": "1",
        "returned": "1",
        "approved": "1",
        "overdue": "3",
    }
    assert 'href="mailto:leder@led.example.no">Lea Leder</a>' in row
    assert "Sluttet" not in row  # deactivated people are not chased
    other_row = re.search(r'<tr data-unit="ANN">(.*?)</tr>', page, re.S).group(1)
    assert dict(re.findall(r'data-progress="(\w+)">(\d+)<', other_row))["overdue"] == "1"
    assert "Felles tiltak" in page and "Annet tiltak" in page  # every report can be opened


def test_coordinator_returns_with_a_comment_then_approves(client, app, login):
    world = build_world(review_state=ReviewState.SUBMITTED)
    login(world.coordinator)
    page = client.get(world.report_url).get_data(as_text=True)
    assert "Godkjenn" in page and "Send tilbake med kommentar" in page and "<textarea" in page
    empty = client.post(
        world.report_url + "/send-tilbake",
        data={"comment": "  ", "csrf_token": csrf_token(client, world.report_url)},
    )
    assert empty.status_code == 400
    assert "Skriv hva departementet skal rette." in field_error(
        empty.get_data(as_text=True), "comment"
    )
    assert fresh(world.report).review_state == ReviewState.SUBMITTED
    returned = client.post(
        world.report_url + "/send-tilbake",
        data={"comment": "Mangler tall.", "csrf_token": csrf_token(client, world.report_url)},
    )
    assert returned.status_code == 302
    assert (fresh(world.report).review_state, fresh(world.report).review_comment) == (
        ReviewState.RETURNED,
        "Mangler tall.",
    )
    # Approving a returned report is refused with a message and changes nothing.
    before = snapshot()
    refused = client.post(
        world.report_url + "/godkjenn", data={"csrf_token": csrf_token(client, world.report_url)}
    )
    assert refused.status_code == 302
    assert "Bare rapporter som er sendt til gjennomgang, kan godkjennes." in client.get(
        refused.location
    ).get_data(as_text=True)
    assert snapshot() == before
    [event] = audit_events("report_returned")
    assert event.user_id == world.coordinator.id and event.remote_addr == "127.0.0.1"
    assert event.details == {"round": "status-2026", "measure": 7, "version": 2}


def test_coordinator_opens_a_round_in_the_browser_form(client, seeded, login):
    coordinator = login(make_user(Role.COORDINATOR))
    form = {
        "title": "Status 2026",
        "slug": "status-2026",
        "as_of": "2026-06-01",
        "deadline": DEADLINE.isoformat(),
    }
    bad_date = client.post(
        "/rapportering/runder/ny",
        data=form | {"as_of": "1. juni", "csrf_token": csrf_token(client)},
    )
    assert bad_date.status_code == 400 and field_error(bad_date.get_data(as_text=True), "as_of")
    bad_slug = client.post(
        "/rapportering/runder/ny",
        data=form | {"slug": "Status 2026!", "csrf_token": csrf_token(client)},
    )
    assert "Kortnavnet kan bare ha små bokstaver" in field_error(
        bad_slug.get_data(as_text=True), "slug"
    )
    assert db.session.scalar(select(func.count(ReportingRound.id))) == 1
    opened = client.post("/rapportering/runder/ny", data=form | {"csrf_token": csrf_token(client)})
    assert opened.status_code == 302 and opened.location == "/rapportering/status-2026/oversikt"
    new_round = db.session.scalars(
        select(ReportingRound).where(ReportingRound.slug == "status-2026")
    ).one()
    assert (new_round.as_of, new_round.deadline, new_round.state) == (
        date(2026, 6, 1),
        DEADLINE,
        RoundState.OPEN,
    )
    assert (
        db.session.scalar(select(func.count()).where(MeasureReport.round_id == new_round.id)) == 50
    )
    [event] = audit_events("round_opened")
    assert event.user_id == coordinator.id


def test_closing_and_publishing_from_the_overview(client, app, login):
    world = build_world(review_state=ReviewState.APPROVED)
    world.other_report.review_state = ReviewState.SUBMITTED
    db.session.commit()
    login(world.coordinator)
    overview = "/rapportering/status-2026/oversikt"
    assert "Lukk runden" in client.get(overview).get_data(as_text=True)
    assert (
        client.post(
            "/rapportering/status-2026/lukk", data={"csrf_token": csrf_token(client)}
        ).status_code
        == 302
    )
    page = client.get(overview).get_data(as_text=True)
    assert "1 av 2 rapporter er godkjent." in page and "/rapportering/status-2026/publiser" in page
    confirmation = client.get("/rapportering/status-2026/publiser").get_data(as_text=True)
    assert "Publiser runden" in confirmation
    assert (
        client.post(
            "/rapportering/status-2026/publiser", data={"csrf_token": csrf_token(client)}
        ).status_code
        == 302
    )
    assert fresh(world.reporting_round).state == RoundState.PUBLISHED
    public = client.get("/").get_data(as_text=True)
    assert "Status pr. 1. juni 2026 (Status 2026)." in as_read(public)
    assert [e.event for e in audit_events("round_closed") + audit_events("round_published")] == [
        "round_closed",
        "round_published",
    ]


def test_rounds_open_command(runner, seeded):
    result = runner.invoke(
        args=[
            "rounds",
            "open",
            "status-2026",
            "--title",
            "Status 2026",
            "--as-of",
            "2026-06-01",
            "--deadline",
            DEADLINE.isoformat(),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Åpnet runden status-2026 med 50 rapporter." in result.output
    again = runner.invoke(
        args=["rounds", "open", "status-2027", "--title", "X", "--as-of", "2027-06-01"]
    )
    assert again.exit_code == 1 and "En rapporteringsrunde er allerede åpen" in again.output
    bad = runner.invoke(args=["rounds", "open", "x", "--title", "X", "--as-of", "1. juni"])
    assert bad.exit_code == 2 and "ÅÅÅÅ-MM-DD" in bad.output
    assert db.session.scalar(select(func.count(ReportingRound.id))) == 2


def count_queries(client, path: str) -> int:
    statements = []

    def remember(connection, cursor, statement, *rest):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    return len(statements)


def page_queries(client, login, coordinator, contact, slug: str) -> list[int]:
    login(coordinator)
    counts = [
        count_queries(client, f"/rapportering/{slug}/oversikt"),
        count_queries(client, f"/rapportering/{slug}/tiltak/{contact_measure(contact)}"),
    ]
    login(contact)
    return counts + [count_queries(client, "/rapportering/")]


def contact_measure(contact) -> int:
    return db.session.scalars(
        select(Measure.number).join(Responsibility).where(Responsibility.unit_id == contact.unit_id)
    ).first()


def test_workflow_pages_issue_as_many_queries_for_50_measures_as_for_2(
    client, app, plan_data, login
):
    world = build_world()
    small = page_queries(client, login, world.coordinator, world.lead_contact, "status-2026")
    load_plan(db.session, plan_data)
    close_round(world.reporting_round, world.coordinator)
    open_round(PlanFactory(), "stor-runde", "Stor runde", date(2027, 6, 1), None, world.coordinator)
    aid_contact = make_user(Role.CONTACT, get_unit("AID"))
    db.session.commit()
    large = page_queries(client, login, world.coordinator, aid_contact, "stor-runde")
    assert large == small
