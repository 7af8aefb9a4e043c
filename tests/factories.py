"""factory-boy factories for building rows in tests."""

from datetime import date

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from tracker.extensions import db
from tracker.models import (
    Area,
    AuditEvent,
    Measure,
    MeasureReport,
    Ministry,
    ReportingRound,
    ReportRevision,
    Responsibility,
    Role,
    User,
)
from tracker.reporting.states import ReviewState, RoundState, Status


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class AreaFactory(BaseFactory):
    class Meta:
        model = Area

    key = factory.Sequence(lambda n: f"omrade-{n}")
    name = factory.Sequence(lambda n: f"Område {n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")
    position = factory.Sequence(int)


class MinistryFactory(BaseFactory):
    class Meta:
        model = Ministry

    abbreviation = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Departement nummer {n}")
    position = factory.Sequence(int)


class MeasureFactory(BaseFactory):
    class Meta:
        model = Measure

    number = factory.Sequence(lambda n: n + 1000)
    area = factory.SubFactory(AreaFactory)
    title = factory.Sequence(lambda n: f"Tiltak nummer {n}")
    description = "Regjeringen vil gjøre noe viktig."
    note = ""

    @factory.post_generation
    def ministries(measure, create, extracted, **kwargs):
        """``MeasureFactory(ministries=[lead, other])``; one new ministry by default."""
        owners = extracted or [MinistryFactory()]
        measure.responsibilities = [
            Responsibility(ministry=ministry, position=position)
            for position, ministry in enumerate(owners)
        ]
        if create:
            db.session.flush()


class RoundFactory(BaseFactory):
    class Meta:
        model = ReportingRound

    slug = factory.Sequence(lambda n: f"runde-{n}")
    title = factory.Sequence(lambda n: f"Rapportering {n}")
    as_of = date(2026, 6, 1)
    deadline = date(2026, 5, 15)
    state = RoundState.OPEN
    intro = "Innledning."


class ReportFactory(BaseFactory):
    class Meta:
        model = MeasureReport

    round = factory.SubFactory(RoundFactory)
    measure = factory.SubFactory(MeasureFactory)
    status = Status.IN_PROGRESS
    narrative = "Arbeidet er i gang."
    review_state = ReviewState.DRAFT


class UserFactory(BaseFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@dep.example.no")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(lambda: generate_password_hash("riktig-passord-123"))
    role = Role.CONTACT
    ministry = factory.LazyAttribute(
        lambda user: MinistryFactory() if user.role == Role.CONTACT else None
    )
    active = True


class RevisionFactory(BaseFactory):
    class Meta:
        model = ReportRevision

    action = "saved"
    new_status = Status.IN_PROGRESS
    new_narrative = "Arbeidet er i gang."
    new_review_state = ReviewState.DRAFT


class AuditEventFactory(BaseFactory):
    class Meta:
        model = AuditEvent

    event = "sign_in"
    remote_addr = "127.0.0.1"
    details = factory.LazyFunction(dict)
