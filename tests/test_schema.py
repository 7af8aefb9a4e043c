"""Rules the database itself enforces, whatever code writes to it."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.factories import (
    AreaFactory,
    MeasureFactory,
    PlanFactory,
    ReportFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)
from tracker.extensions import db
from tracker.models import Role


def assert_rejected(statement: str, **params) -> None:
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(text(statement), params)


def test_measure_numbers_are_unique(app):
    MeasureFactory(number=7)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            MeasureFactory(number=7)


def test_measure_numbers_and_area_keys_are_unique_per_plan_and_round_slugs_everywhere(app):
    first, second = PlanFactory(), PlanFactory(slug="plan-b")
    area = AreaFactory(key="arbeidsliv")
    # Another plan may use the same area key and the same measure numbers ...
    other_area = AreaFactory(key="arbeidsliv", plan=second)
    MeasureFactory(number=7, area=area)
    MeasureFactory(number=7, area=other_area)
    assert first.id != second.id
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            AreaFactory(key="arbeidsliv", plan=first)
    # ... but a round's slug names it in every address, whichever plan it belongs to.
    RoundFactory(slug="status-2026", plan=first)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            RoundFactory(slug="status-2026", plan=second)


def test_one_report_per_measure_per_round(app):
    report = ReportFactory()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            ReportFactory(round=report.round, measure=report.measure)


def test_database_rejects_an_unknown_status(app):
    report = ReportFactory()
    assert_rejected("UPDATE measure_reports SET status = 'finished' WHERE id = :id", id=report.id)


def test_database_rejects_an_unknown_review_state_and_round_state(app):
    report = ReportFactory()
    assert_rejected(
        "UPDATE measure_reports SET review_state = 'maybe' WHERE id = :id", id=report.id
    )
    assert_rejected(
        "UPDATE reporting_rounds SET state = 'archived' WHERE id = :id", id=report.round.id
    )


def test_contact_person_must_belong_to_a_ministry(app):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            UserFactory(role=Role.CONTACT, unit=None)
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            UserFactory(role=Role.COORDINATOR, unit=UnitFactory())


def test_a_measure_has_only_one_lead(app):
    measure = MeasureFactory()
    other = UnitFactory()
    assert_rejected(
        "INSERT INTO responsibilities (measure_id, unit_id, position) VALUES (:m, :o, 0)",
        m=measure.id,
        o=other.id,
    )


def test_a_report_refuses_a_stale_version(app):
    from sqlalchemy.orm.exc import StaleDataError

    report = ReportFactory()
    db.session.commit()
    # Someone else saves first, bumping the version behind this session's back.
    db.session.execute(
        text("UPDATE measure_reports SET version = version + 1 WHERE id = :id"), {"id": report.id}
    )
    report.narrative = "Min endring"
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
