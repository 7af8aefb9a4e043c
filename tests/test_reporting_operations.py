"""The workflow's verbs on a real database: rounds, saves, reviews, publication, history."""

from datetime import UTC, date, timedelta

import pytest
from sqlalchemy import func, select, text

from tests.factories import MeasureFactory, PlanFactory, ReportFactory, RoundFactory, UnitFactory
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
from tracker.timeutil import utcnow


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


WHILE_OPENING = "while the round was being opened"


def _round_rows(reporting_round, opened_between: tuple) -> tuple[dict, dict]:
    """The reports of the round and their revisions as stored, keyed by measure number, with
    the columns a person could ever see (ids left out); a moment while the round was being
    opened reads WHILE_OPENING."""

    def when(moment):
        # SQLite gives the moment back without its zone (UTC).
        moment = moment.replace(tzinfo=moment.tzinfo or UTC)
        return WHILE_OPENING if opened_between[0] <= moment <= opened_between[1] else moment

    db.session.expire_all()
    reports, history = {}, {}
    for report in db.session.scalars(
        select(MeasureReport).where(MeasureReport.round_id == reporting_round.id)
    ):
        number = report.measure.number
        reports[number] = {
            "status": report.status,
            "narrative": report.narrative,
            "narrative_se": report.narrative_se,
            "narrative_language": report.narrative_language,
            "review_state": report.review_state,
            "review_comment": report.review_comment,
            "version": report.version,
            "updated_at": when(report.updated_at),
            "updated_by_id": report.updated_by_id,
            "unit_names": report.unit_names,
        }
        history[number] = [
            {
                "version": revision.version,
                "action": revision.action,
                "author_id": revision.author_id,
                "created_at": when(revision.created_at),
                "old_status": revision.old_status,
                "new_status": revision.new_status,
                "old_narrative": revision.old_narrative,
                "new_narrative": revision.new_narrative,
                "new_narrative_se": revision.new_narrative_se,
                "narrative_language": revision.narrative_language,
                "old_review_state": revision.old_review_state,
                "new_review_state": revision.new_review_state,
                "comment": revision.comment,
            }
            for revision in revisions(report)
        ]
    return reports, history


def _expected_draft(status, narrative, narrative_se, language) -> dict:
    """A fresh draft as opening a round has always made it (before the drafts were written
    with one statement, an entity each): version 1, untouched, the carried texts."""
    return {
        "status": status,
        "narrative": narrative,
        "narrative_se": narrative_se,
        "narrative_language": language,
        "review_state": ReviewState.DRAFT,
        "review_comment": "",
        "version": 1,
        "updated_at": WHILE_OPENING,
        "updated_by_id": None,
        "unit_names": None,
    }


def _expected_opened(draft: dict, author_id: int | None) -> list[dict]:
    return [
        {
            "version": 1,
            "action": "opened",
            "author_id": author_id,
            "created_at": WHILE_OPENING,
            "old_status": None,
            "new_status": draft["status"],
            "old_narrative": None,
            "new_narrative": draft["narrative"],
            "new_narrative_se": draft["narrative_se"],
            "narrative_language": draft["narrative_language"],
            "old_review_state": None,
            "new_review_state": ReviewState.DRAFT,
            "comment": "",
        }
    ]


def test_an_opened_round_holds_exactly_the_drafts_and_revisions_each_measure_should_get(
    app, coordinator
):
    """Carried-over texts from different rounds, a measure with three units, retired measures,
    a never-reported one, another plan's measure and a second opened round: every draft and
    its one «opened» revision hold what the entity-per-measure path wrote."""
    plan = PlanFactory()
    lead, co, other = UnitFactory(), UnitFactory(), UnitFactory()
    shared = MeasureFactory(area__plan=plan, number=1, units=[lead, co, other])
    returned = MeasureFactory(area__plan=plan, number=2, units=[co])
    gone = MeasureFactory(area__plan=plan, number=3, retired_on=date(2027, 1, 1))
    retiring = MeasureFactory(area__plan=plan, number=4, retired_on=date(2027, 12, 1))
    never = MeasureFactory(area__plan=plan, number=5, units=[lead])
    plan_b = PlanFactory(slug="plan-b", default_language="nn")
    elsewhere = MeasureFactory(area__plan=plan_b, number=1)

    def reported(slug, as_of, state, texts):
        the_round = RoundFactory(plan=texts[0][0].plan, slug=slug, as_of=as_of, state=state)
        for measure, status, narrative, review_state, extra in texts:
            ReportFactory(
                round=the_round,
                measure=measure,
                status=status,
                narrative=narrative,
                review_state=review_state,
                **extra,
            )

    approved = ReviewState.APPROVED
    reported(
        "a-2025",
        date(2025, 6, 1),
        RoundState.PUBLISHED,
        [
            (shared, Status.IN_PROGRESS, "Tekst fra 2025.", approved, {}),
            (
                returned,
                Status.COMPLETED,
                "Godkjent i 2025.",
                approved,
                {"narrative_se": "Sámegiella."},
            ),
            (gone, Status.COMPLETED, "Avsluttet.", approved, {}),
        ],
    )
    reported(
        "b-2026",
        date(2026, 6, 1),
        RoundState.PUBLISHED,
        [
            (shared, Status.COMPLETED, "Fullført i 2026.", approved, {"narrative_language": "nn"}),
            (returned, Status.IN_PROGRESS, "Aldri godkjent.", ReviewState.SUBMITTED, {}),
            (retiring, Status.IN_PROGRESS, "Avvikles snart.", approved, {}),
        ],
    )
    reported(
        "c-2026",
        date(2026, 12, 1),
        RoundState.CLOSED,
        [(shared, Status.NOT_STARTED, "Aldri publisert.", approved, {})],
    )
    reported(
        "plan-b-2026",
        date(2026, 6, 1),
        RoundState.PUBLISHED,
        [(elsewhere, Status.COMPLETED, "Den andre planen.", approved, {})],
    )
    db.session.commit()

    before = utcnow()
    first = open_round(plan, "ny-2027", "Ny 2027", date(2027, 6, 1), None, coordinator)
    assert [report.measure.number for report in first.reports] == [1, 2, 4, 5]
    db.session.commit()
    reports, history = _round_rows(first, (before, utcnow()))
    expected = {
        1: _expected_draft(Status.COMPLETED, "Fullført i 2026.", "", "nn"),
        2: _expected_draft(Status.COMPLETED, "Godkjent i 2025.", "Sámegiella.", "nb"),
        4: _expected_draft(Status.IN_PROGRESS, "Avvikles snart.", "", "nb"),
        5: _expected_draft(Status.NOT_STARTED, "", "", "nb"),
    }
    assert reports == expected
    assert history == {n: _expected_opened(d, coordinator.id) for n, d in expected.items()}
    assert audit_events("round_opened")[0].details["reports"] == 4

    # The second round carries what the first one published, and a blank plan-B draft keeps
    # its own plan's language.
    first = db.session.get(type(first), first.id)
    never_report = next(r for r in first.reports if r.measure_id == never.id)
    never_report.narrative, never_report.status = "Kom i gang i 2027.", Status.IN_PROGRESS
    never_report.review_state = ReviewState.APPROVED
    first.state = RoundState.PUBLISHED
    db.session.commit()
    before = utcnow()
    second = open_round(plan, "ny-2028", "Ny 2028", date(2028, 6, 1), None, None)
    other_plan = open_round(plan_b, "b-2028", "B 2028", date(2028, 6, 1), None, coordinator)
    db.session.commit()
    reports, history = _round_rows(second, (before, utcnow()))
    expected = {
        1: _expected_draft(Status.COMPLETED, "Fullført i 2026.", "", "nn"),
        2: _expected_draft(Status.COMPLETED, "Godkjent i 2025.", "Sámegiella.", "nb"),
        5: _expected_draft(Status.IN_PROGRESS, "Kom i gang i 2027.", "", "nb"),
    }
    assert reports == expected
    assert history == {n: _expected_opened(d, None) for n, d in expected.items()}
    reports, _ = _round_rows(other_plan, (before, utcnow()))
    assert list(reports) == [1]
    assert (
        reports[1]["narrative"] == "Den andre planen." and reports[1]["narrative_language"] == "nb"
    )


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
