"""The workflow's verbs on a real database: rounds, saves, reviews, publication, history."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from tests.factories import PlanFactory
from tests.support.workflow import audit_events, build_world, make_user
from tracker.extensions import db
from tracker.models import Measure, MeasureReport, ReportRevision, Role
from tracker.reporting.operations import (
    EditConflict,
    ReportingError,
    approve_report,
    close_round,
    open_round,
    publish_round,
    return_report,
    save_report,
    submit_report,
)
from tracker.reporting.queries import latest_published_round, reports_by_measure, status_summary
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.reporting.workflow_queries import today


def revisions(report) -> list[ReportRevision]:
    return list(
        db.session.scalars(
            select(ReportRevision)
            .where(ReportRevision.report_id == report.id)
            .order_by(ReportRevision.version)
        )
    )


@pytest.fixture
def coordinator(app):
    return make_user(Role.COORDINATOR)


def test_opening_a_round_prefills_every_measure_with_its_published_report(seeded, coordinator):
    published = reports_by_measure(latest_published_round(PlanFactory()))
    reporting_round = open_round(
        PlanFactory(),
        "status-2026",
        "Status 2026",
        date(2026, 6, 1),
        today() + timedelta(days=14),
        coordinator,
    )
    db.session.commit()
    drafts = reporting_round.reports
    assert len(drafts) == 50
    for draft in drafts:
        assert draft.status == published[draft.measure_id].status
        assert draft.narrative == published[draft.measure_id].narrative
        assert draft.review_state == ReviewState.DRAFT and draft.version == 1
    assert {revision.action for draft in drafts for revision in revisions(draft)} == {"opened"}
    [event] = audit_events("round_opened")
    assert event.user_id == coordinator.id and event.details == {
        "plan": "handlingsplan-rasisme-2024-2027",
        "round": "status-2026",
        "reports": 50,
    }
    # Opening a round publishes nothing: the public still sees the midterm report.
    assert latest_published_round(PlanFactory()).slug == "midtveis-2025"


def test_a_measure_without_a_published_report_starts_blank(app, coordinator):
    world = build_world()
    close_round(world.reporting_round, coordinator)
    new_round = open_round(PlanFactory(), "neste", "Neste", date(2027, 1, 1), None, coordinator)
    report = db.session.scalars(
        select(MeasureReport).where(MeasureReport.round_id == new_round.id)
    ).first()
    assert report.status == Status.NOT_STARTED and report.narrative == ""


@pytest.mark.parametrize(
    "slug, message",
    [
        ("Status 2026", "Kortnavnet kan bare ha små bokstaver"),
        ("status-2026", "allerede en runde med dette kortnavnet"),
        ("ny-runde", "En rapporteringsrunde er allerede åpen"),
    ],
)
def test_opening_a_round_refuses_bad_or_duplicate_slugs_and_a_second_open_round(
    app, coordinator, slug, message
):
    build_world()
    rounds_before = db.session.scalar(select(func.count(MeasureReport.id)))
    with pytest.raises(ReportingError, match=message):
        open_round(PlanFactory(), slug, "Tittel", date(2026, 6, 1), None, coordinator)
    db.session.rollback()
    assert db.session.scalar(select(func.count(MeasureReport.id))) == rounds_before


def test_saving_keeps_every_version_with_author_and_old_and_new_values(app):
    world = build_world()
    assert save_report(world.report, 1, Status.COMPLETED, "Ferdig.", world.lead_contact)
    assert save_report(world.report, 2, Status.COMPLETED, "Ferdig, og evaluert.", world.co_contact)
    db.session.commit()
    first, second = revisions(world.report)
    assert (first.version, first.action, first.author_id) == (2, "saved", world.lead_contact.id)
    assert (first.old_status, first.new_status) == (Status.IN_PROGRESS, Status.COMPLETED)
    assert (first.old_narrative, first.new_narrative) == ("Opprinnelig tekst.", "Ferdig.")
    assert (second.version, second.author_id, second.new_narrative) == (
        3,
        world.co_contact.id,
        "Ferdig, og evaluert.",
    )
    assert world.report.version == 3 and world.report.updated_by_id == world.co_contact.id


def test_saving_nothing_new_makes_no_version(app):
    world = build_world()
    assert (
        save_report(world.report, 1, Status.IN_PROGRESS, "Opprinnelig tekst.", world.lead_contact)
        is False
    )
    assert world.report.version == 1 and revisions(world.report) == []


def test_a_save_based_on_an_old_version_is_refused(app):
    world = build_world()
    save_report(world.report, 1, Status.COMPLETED, "Først.", world.lead_contact)
    db.session.commit()
    with pytest.raises(EditConflict):
        save_report(world.report, 1, Status.NOT_STARTED, "Etter.", world.co_contact)
    db.session.rollback()
    assert (world.report.narrative, world.report.version) == ("Først.", 2)


def test_a_save_racing_another_transaction_is_refused_by_the_database(app):
    world = build_world()
    # Another request saves between our check and our write: only the version column notices.
    with db.engine.begin() as other_transaction:
        other_transaction.execute(
            text(
                "UPDATE measure_reports SET narrative = 'Den andres tekst', version = version + 1 "
                "WHERE id = :id"
            ),
            {"id": world.report.id},
        )
    with pytest.raises(EditConflict):
        save_report(world.report, 1, Status.COMPLETED, "Min tekst.", world.lead_contact)
    db.session.rollback()
    assert world.report.narrative == "Den andres tekst" and world.report.version == 2
    assert revisions(world.report) == []


def test_submitting_needs_a_narrative(app):
    world = build_world()
    with pytest.raises(ReportingError, match="Skriv en statusbeskrivelse"):
        submit_report(world.report, 1, Status.COMPLETED, "  \n ", world.lead_contact)
    db.session.rollback()
    assert world.report.review_state == ReviewState.DRAFT


def test_the_review_cycle_submit_return_fix_resubmit_approve(app):
    world = build_world()
    report, contact, coordinator = world.report, world.lead_contact, world.coordinator
    submit_report(report, 1, Status.COMPLETED, "Ferdig.", contact)
    with pytest.raises(ReportingError, match="sendt til gjennomgang"):
        save_report(report, report.version, Status.IN_PROGRESS, "Angrer.", contact)
    with pytest.raises(ReportingError, match="Skriv hva departementet skal rette"):
        return_report(report, " ", coordinator)
    return_report(report, "Beskriv evalueringen.", coordinator)
    assert (report.review_state, report.review_comment) == (
        ReviewState.RETURNED,
        "Beskriv evalueringen.",
    )
    save_report(report, report.version, Status.COMPLETED, "Ferdig og evaluert.", contact)
    assert report.review_state == ReviewState.RETURNED  # still waiting for the fix to be sent
    submit_report(report, report.version, Status.COMPLETED, "Ferdig og evaluert.", contact)
    approve_report(report, coordinator)
    db.session.commit()
    assert report.review_state == ReviewState.APPROVED and report.review_comment == ""
    assert [(r.action, r.new_review_state) for r in revisions(report)] == [
        ("submitted", ReviewState.SUBMITTED),
        ("returned", ReviewState.RETURNED),
        ("saved", ReviewState.RETURNED),
        ("submitted", ReviewState.SUBMITTED),
        ("approved", ReviewState.APPROVED),
    ]
    assert revisions(report)[1].comment == "Beskriv evalueringen."
    assert [e.event for e in audit_events("report_returned") + audit_events("report_approved")] == [
        "report_returned",
        "report_approved",
    ]


def test_only_a_submitted_report_can_be_approved(app):
    world = build_world()
    with pytest.raises(ReportingError, match="Bare rapporter som er sendt til gjennomgang"):
        approve_report(world.report, world.coordinator)
    db.session.rollback()
    assert world.report.review_state == ReviewState.DRAFT


def test_closing_locks_editing_and_returning(app):
    world = build_world(review_state=ReviewState.SUBMITTED)
    close_round(world.reporting_round, world.coordinator)
    with pytest.raises(ReportingError, match="Runden er lukket"):
        save_report(world.other_report, 1, Status.COMPLETED, "For sent.", world.other_contact)
    with pytest.raises(ReportingError, match="Runden er lukket"):
        return_report(world.report, "Rett dette.", world.coordinator)
    approve_report(world.report, world.coordinator)  # reviewing what came in on time still works
    db.session.commit()
    assert world.report.review_state == ReviewState.APPROVED
    assert [e.details for e in audit_events("round_closed")] == [{"round": "status-2026"}]


def test_publishing_makes_the_approved_reports_public_at_once(seeded, coordinator):
    contact = make_user(
        Role.CONTACT,
        db.session.scalars(select(Measure).where(Measure.number == 1)).one().lead_unit,
    )
    reporting_round = open_round(
        PlanFactory(), "status-2026", "Status 2026", date(2026, 6, 1), None, coordinator
    )
    report = next(r for r in reporting_round.reports if r.measure.number == 1)
    submit_report(report, 1, Status.COMPLETED, "Kampanjen er gjennomført.", contact)
    approve_report(report, coordinator)
    with pytest.raises(ReportingError, match="må lukkes før den publiseres"):
        publish_round(reporting_round, coordinator)
    close_round(reporting_round, coordinator)
    db.session.commit()
    assert (
        latest_published_round(PlanFactory()).slug == "midtveis-2025"
    )  # nothing public before publishing
    publish_round(reporting_round, coordinator)
    db.session.commit()
    assert latest_published_round(PlanFactory()).slug == "status-2026"
    assert (
        reporting_round.state == RoundState.PUBLISHED and reporting_round.published_at is not None
    )
    public = reports_by_measure(reporting_round)
    assert list(public) == [report.measure_id]  # only the approved report, never the drafts
    assert public[report.measure_id].status == Status.COMPLETED
    assert status_summary(reporting_round).totals[Status.COMPLETED] == 1
    [event] = audit_events("round_published")
    assert event.details == {"round": "status-2026", "approved_reports": 1}
