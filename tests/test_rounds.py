"""The next real rounds: carry-over across rounds with gaps, safe publishing (confirmation,
reopening, withdrawing a publication), deadline rules, and what the public sees meanwhile."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.factories import MeasureFactory, PlanFactory, ReportFactory, RoundFactory, UnitFactory
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import audit_events, csrf_token, field_error, fresh, make_user, snapshot
from tracker.extensions import db
from tracker.models import MeasureReport, ReportingRound, Role
from tracker.reporting.operations import (
    ReportingError,
    approve_report,
    close_round,
    open_round,
    publish_round,
    reopen_round,
    submit_report,
)
from tracker.reporting.queries import latest_public_reports, public_status_summary
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.reporting.workflow_queries import today
from tracker.typography import as_read

SOON = today() + timedelta(days=21)


def report_of(reporting_round, measure) -> MeasureReport:
    return db.session.scalars(
        select(MeasureReport).where(
            MeasureReport.round_id == reporting_round.id, MeasureReport.measure_id == measure.id
        )
    ).one()


@pytest.fixture
def plan(app):
    """Three measures and a coordinator; no rounds yet."""
    ministry = UnitFactory(abbreviation="KDD", name="Kommunal- og distriktsdepartementet")
    measures = [
        MeasureFactory(number=number, title=f"Tiltak {number}", units=[ministry])
        for number in (1, 2, 3)
    ]
    coordinator = make_user(Role.COORDINATOR, email="koordinator@example.no", name="Kari K")
    contact = make_user(Role.CONTACT, ministry, email="kontakt@kdd.example.no", name="Kim K")
    db.session.commit()
    return measures, coordinator, contact


def run_round(slug, as_of, approved: dict, submitted: dict, coordinator, contact, publish=True):
    """Open a round, let the ministry submit, approve some, close and (maybe) publish."""
    reporting_round = open_round(PlanFactory(), slug, slug, as_of, None, coordinator)
    db.session.flush()
    for measure, (status, text) in (approved | submitted).items():
        report = report_of(reporting_round, measure)
        submit_report(report, report.version, status, text, contact)
        if measure in approved:
            approve_report(report, coordinator)
    close_round(reporting_round, coordinator)
    if publish:
        publish_round(reporting_round, coordinator)
    db.session.commit()
    return reporting_round


def test_carry_over_takes_each_measures_latest_published_approved_report_across_gaps(plan):
    (m1, m2, m3), coordinator, contact = plan
    run_round(
        "r2025",
        date(2025, 6, 1),
        approved={m1: (Status.IN_PROGRESS, "M1 i 2025."), m2: (Status.COMPLETED, "M2 ferdig.")},
        submitted={},
        coordinator=coordinator,
        contact=contact,
    )
    # 2026: measure 2 is submitted but never approved, so its new text never became public.
    run_round(
        "r2026",
        date(2026, 6, 1),
        approved={m1: (Status.COMPLETED, "M1 ferdig i 2026.")},
        submitted={m2: (Status.NOT_STARTED, "Upublisert tekst.")},
        coordinator=coordinator,
        contact=contact,
    )
    # A closed, unpublished round with approved text must not leak into the next drafts either.
    run_round(
        "utkast-runde",
        date(2026, 9, 1),
        approved={m3: (Status.COMPLETED, "Aldri publisert.")},
        submitted={},
        coordinator=coordinator,
        contact=contact,
        publish=False,
    )
    third = open_round(PlanFactory(), "r2027", "Sluttrapport", date(2027, 6, 1), None, coordinator)
    db.session.commit()

    drafts = {report.measure.number: report for report in third.reports}
    assert (drafts[1].status, drafts[1].narrative) == (Status.COMPLETED, "M1 ferdig i 2026.")
    # Not approved in 2026: the 2025 status, not «Ikke igangsatt» and not the unpublished text.
    assert (drafts[2].status, drafts[2].narrative) == (Status.COMPLETED, "M2 ferdig.")
    assert (drafts[3].status, drafts[3].narrative) == (Status.NOT_STARTED, "")
    assert all(d.review_state == ReviewState.DRAFT and d.version == 1 for d in drafts.values())


def test_public_status_keeps_the_latest_published_status_and_counts_never_reported(plan, client):
    (m1, m2, m3), coordinator, contact = plan
    run_round(
        "r2025",
        date(2025, 6, 1),
        approved={m1: (Status.IN_PROGRESS, "M1."), m2: (Status.COMPLETED, "M2 ferdig 2025.")},
        submitted={},
        coordinator=coordinator,
        contact=contact,
    )
    latest = run_round(
        "r2026",
        date(2026, 6, 1),
        approved={m1: (Status.COMPLETED, "M1 ferdig.")},
        submitted={},
        coordinator=coordinator,
        contact=contact,
    )
    public = latest_public_reports(PlanFactory())
    assert public[m1.id].round_id == latest.id
    assert public[m2.id].round.slug == "r2025" and public[m2.id].status == Status.COMPLETED
    assert m3.id not in public
    summary = public_status_summary(PlanFactory())
    assert (summary.totals[Status.COMPLETED], summary.unreported) == (2, 1)

    index = client.get("/").get_data(as_text=True)
    assert "Status pr. 1. juni 2025" in as_read(index)  # measure 2's dated status
    assert "1 tiltak er ikke rapportert ennå." in index
    assert 'data-status="not_reported"' in index  # a chart column and a card
    never = client.get(PLAN_ONE + "/tiltak?status=not_reported").get_data(as_text=True)
    assert "1 tiltak passer filteret" in never and f'href="{PLAN_ONE}/tiltak/3"' in never
    assert f'href="{PLAN_ONE}/tiltak/2"' not in never
    completed = client.get(PLAN_ONE + "/tiltak?status=completed").get_data(as_text=True)
    assert f'href="{PLAN_ONE}/tiltak/1"' in completed and f'href="{PLAN_ONE}/tiltak/2"' in completed
    detail = client.get(PLAN_ONE + "/tiltak/2").get_data(as_text=True)
    assert "Gjennomført" in detail and "Status pr. 1. juni 2025" in as_read(detail)


def test_publish_asks_for_confirmation_showing_what_becomes_public(plan, client, login):
    (m1, m2, m3), coordinator, contact = plan
    run_round(
        "r2025",
        date(2025, 6, 1),
        approved={m2: (Status.COMPLETED, "M2 ferdig.")},
        submitted={},
        coordinator=coordinator,
        contact=contact,
    )
    run_round(
        "r2026",
        date(2026, 6, 1),
        approved={m1: (Status.IN_PROGRESS, "M1 i gang.")},
        submitted={m2: (Status.IN_PROGRESS, "Ikke godkjent.")},
        coordinator=coordinator,
        contact=contact,
        publish=False,
    )
    login(coordinator)
    before = snapshot()
    page = client.get("/rapportering/r2026/publiser").get_data(as_text=True)
    assert snapshot() == before  # looking changes nothing
    assert '<li data-status="in_progress">Pågående: <strong>1</strong></li>' in page
    assert "Uten godkjent rapport: <strong>2</strong>" in page
    assert "2 tiltak har ingen godkjent rapport" in page
    gap_2 = page.split('data-measure="2"')[1].split("</tr>")[0]
    assert "Gjennomført" in gap_2 and "status pr. 1. juni 2025" in gap_2
    gap_3 = page.split('data-measure="3"')[1].split("</tr>")[0]
    assert "Ikke rapportert" in gap_3
    published = client.post("/rapportering/r2026/publiser", data={"csrf_token": csrf_token(client)})
    assert published.status_code == 302
    assert db.session.scalar(
        select(ReportingRound.state).where(ReportingRound.slug == "r2026")
    ) == (RoundState.PUBLISHED)


def test_withdrawing_a_publication_shows_the_previous_state_and_is_audited(plan, client, login):
    (m1, m2, m3), coordinator, contact = plan
    run_round(
        "r2025",
        date(2025, 6, 1),
        approved={m1: (Status.IN_PROGRESS, "Første.")},
        submitted={},
        coordinator=coordinator,
        contact=contact,
    )
    second = run_round(
        "r2026",
        date(2026, 6, 1),
        approved={m1: (Status.COMPLETED, "Publisert ved en feil.")},
        submitted={},
        coordinator=coordinator,
        contact=contact,
    )
    assert "Publisert ved en feil." in client.get(PLAN_ONE + "/tiltak/1").get_data(as_text=True)
    login(coordinator)
    overview = client.get("/rapportering/r2026/oversikt").get_data(as_text=True)
    assert "Trekk tilbake publiseringen" in overview
    response = client.post(
        "/rapportering/r2026/avpubliser", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302
    assert fresh(second).state == RoundState.CLOSED and fresh(second).published_at is None
    public = client.get(PLAN_ONE + "/tiltak/1").get_data(as_text=True)
    assert "Publisert ved en feil." not in public and "Første." in public
    assert "Status pr. 1. juni 2025" in as_read(client.get("/").get_data(as_text=True))
    [event] = audit_events("round_unpublished")
    assert event.user_id == coordinator.id and event.details["round"] == "r2026"
    # Withdrawn once, it cannot be withdrawn again; it can be published again.
    again = client.post("/rapportering/r2026/avpubliser", data={"csrf_token": csrf_token(client)})
    assert again.status_code == 302 and len(audit_events("round_unpublished")) == 1
    client.post("/rapportering/r2026/publiser", data={"csrf_token": csrf_token(client)})
    assert "Publisert ved en feil." in client.get(PLAN_ONE + "/tiltak/1").get_data(as_text=True)


def test_reopening_a_closed_round_lets_ministries_edit_again_and_is_audited(plan, client, login):
    (m1, _m2, _m3), coordinator, contact = plan
    reporting_round = open_round(
        PlanFactory(), "r2026", "Status 2026", date(2026, 6, 1), None, coordinator
    )
    close_round(reporting_round, coordinator)
    db.session.commit()
    login(coordinator)
    response = client.post("/rapportering/r2026/gjenapne", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert fresh(reporting_round).state == RoundState.OPEN
    [event] = audit_events("round_reopened")
    assert event.user_id == coordinator.id
    # A published round cannot be reopened, and a second open round is refused.
    published = RoundFactory(slug="gammel", state=RoundState.PUBLISHED)
    db.session.commit()
    refused = client.post("/rapportering/gammel/gjenapne", data={"csrf_token": csrf_token(client)})
    assert refused.status_code == 302 and fresh(published).state == RoundState.PUBLISHED
    close_round(fresh(reporting_round), coordinator)
    RoundFactory(slug="annen", state=RoundState.OPEN)
    db.session.commit()
    with pytest.raises(ReportingError, match="En annen rapporteringsrunde er åpen"):
        reopen_round(fresh(reporting_round), coordinator)


def test_closing_before_the_deadline_warns_and_needs_a_confirmation(plan, client, login):
    _measures, coordinator, _contact = plan
    reporting_round = open_round(
        PlanFactory(), "r2026", "Status 2026", date(2026, 6, 1), SOON, coordinator
    )
    db.session.commit()
    login(coordinator)
    overview = client.get("/rapportering/r2026/oversikt").get_data(as_text=True)
    assert 'id="close-warning"' in overview and "er ikke passert" in overview
    refused = client.post("/rapportering/r2026/lukk", data={"csrf_token": csrf_token(client)})
    assert refused.status_code == 409 and fresh(reporting_round).state == RoundState.OPEN
    # The overview again, with an error summary (which takes the focus) pointing to the tick.
    page = refused.get_data(as_text=True)
    summary = page.split('class="ds-error-summary"')[1].split("</div>")[0]
    assert "Fristen er ikke passert" in summary and 'href="#before_deadline"' in summary
    confirmed = client.post(
        "/rapportering/r2026/lukk", data={"before_deadline": "y", "csrf_token": csrf_token(client)}
    )
    assert confirmed.status_code == 302 and fresh(reporting_round).state == RoundState.CLOSED


def test_a_deadline_in_the_past_is_refused_when_opening(plan, client, login):
    _measures, coordinator, _contact = plan
    login(coordinator)
    before = snapshot()
    response = client.post(
        "/rapportering/runder/ny",
        data={
            "title": "Status 2026",
            "slug": "status-2026",
            "as_of": "2026-06-01",
            "deadline": (today() - timedelta(days=1)).isoformat(),
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert "Fristen kan ikke være en dato som har passert" in field_error(
        response.get_data(as_text=True), "deadline"
    )
    assert snapshot() == before


def test_the_coordinator_can_move_the_deadline_of_an_open_round(plan, client, login):
    _measures, coordinator, _contact = plan
    reporting_round = open_round(
        PlanFactory(), "r2026", "Status 2026", date(2026, 6, 1), SOON, coordinator
    )
    db.session.commit()
    login(coordinator)
    later = SOON + timedelta(days=14)
    response = client.post(
        "/rapportering/r2026/frist",
        data={"deadline": later.isoformat(), "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302 and fresh(reporting_round).deadline == later
    [event] = audit_events("round_deadline_changed")
    assert event.details == {"round": "r2026", "from": SOON.isoformat(), "to": later.isoformat()}
    past = client.post(
        "/rapportering/r2026/frist",
        data={"deadline": "2020-01-01", "csrf_token": csrf_token(client)},
    )
    assert past.status_code == 302 and fresh(reporting_round).deadline == later
    page = client.get("/rapportering/r2026/oversikt").get_data(as_text=True)
    assert "Fristen kan ikke være en dato som har passert" in page
    bad = client.post(
        "/rapportering/r2026/frist", data={"deadline": "snart", "csrf_token": csrf_token(client)}
    )
    assert bad.status_code == 302 and fresh(reporting_round).deadline == later
    removed = client.post("/rapportering/r2026/frist", data={"csrf_token": csrf_token(client)})
    assert removed.status_code == 302 and fresh(reporting_round).deadline is None


def test_last_changed_shows_the_last_real_edit_not_the_opening(plan, client, login):
    (m1, _m2, _m3), coordinator, contact = plan
    reporting_round = open_round(
        PlanFactory(), "r2026", "Status 2026", date(2026, 6, 1), None, coordinator
    )
    db.session.commit()
    login(contact)
    start = client.get("/rapportering/").get_data(as_text=True)
    assert start.count("Ikke endret</span>") == 3
    assert "0 av 3 sendt inn" in start
    report = report_of(reporting_round, m1)
    client.post(
        "/rapportering/r2026/tiltak/1",
        data={
            "status": "in_progress",
            "narrative": "Endret.",
            "version": str(report.version),
            "send": "Send",
            "csrf_token": csrf_token(client),
        },
    )
    start = client.get("/rapportering/").get_data(as_text=True)
    assert start.count("Ikke endret</span>") == 2 and "(Kim K)" in start
    assert "1 av 3 sendt inn" in start


def test_a_round_opened_with_an_existing_report_never_uses_an_open_rounds_text(plan):
    (m1, _m2, _m3), coordinator, _contact = plan
    published = RoundFactory(slug="gammel", as_of=date(2025, 6, 1), state=RoundState.PUBLISHED)
    ReportFactory(
        round=published, measure=m1, narrative="Publisert.", review_state=ReviewState.APPROVED
    )
    later = RoundFactory(slug="senere", as_of=date(2026, 6, 1), state=RoundState.CLOSED)
    ReportFactory(round=later, measure=m1, narrative="Lukket.", review_state=ReviewState.APPROVED)
    db.session.commit()
    new = open_round(PlanFactory(), "ny", "Ny", date(2027, 6, 1), None, coordinator)
    assert report_of(new, m1).narrative == "Publisert."
