"""factory-boy factories for building rows in tests."""

from datetime import UTC, date, datetime

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tracker.extensions import db
from tracker.models import (
    Area,
    AuditEvent,
    Measure,
    MeasureReport,
    Plan,
    ReportingRound,
    ReportRevision,
    Responsibility,
    ResponsibleUnit,
    Role,
    UnitKind,
    User,
)
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.results.models import (
    BudgetLine,
    Direction,
    Evidence,
    Indicator,
    IndicatorValue,
    Milestone,
)


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


# The default plan's slug is the seed file's: a test that seeds and one that builds rows with
# factories find their pages at the same addresses (/planer/<slug>/…), and seeding after the
# factories brings the same plan up to date.
PLAN_ONE_SLUG = "handlingsplan-rasisme-2024-2027"


class PlanFactory(BaseFactory):
    """``PlanFactory()`` is the test's default plan: the database's first plan if it holds one
    (the seeded plan, in a test that seeds), else a new plan one. Give a slug for another."""

    class Meta:
        model = Plan

    slug = None
    title = factory.LazyAttribute(lambda plan: f"Handlingsplan {plan.slug or 'en'}")
    first_year = 2024
    last_year = 2027
    owner = "Arbeids- og inkluderingsdepartementet"
    intro = ""
    default_language = "nb"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        if kwargs.get("slug") is None:
            existing = db.session.scalars(select(Plan).order_by(Plan.id).limit(1)).first()
            if existing is not None:
                return existing
            kwargs["slug"] = PLAN_ONE_SLUG
        return super()._create(model_class, *args, **kwargs)


class AreaFactory(BaseFactory):
    class Meta:
        model = Area

    plan = factory.SubFactory(PlanFactory)
    key = factory.Sequence(lambda n: f"omrade-{n}")
    name = factory.Sequence(lambda n: f"Område {n}")
    name_en = factory.Sequence(lambda n: f"Area {n}")
    position = factory.Sequence(int)


class UnitFactory(BaseFactory):
    class Meta:
        model = ResponsibleUnit

    abbreviation = factory.Sequence(lambda n: f"D{n}")
    name = factory.Sequence(lambda n: f"Departement nummer {n}")
    kind = UnitKind.MINISTRY


class MeasureFactory(BaseFactory):
    """A measure in ``area``'s plan: ``MeasureFactory(area__plan=other)`` for another plan."""

    class Meta:
        model = Measure

    number = factory.Sequence(lambda n: n + 1000)
    area = factory.SubFactory(AreaFactory)
    plan = factory.SelfAttribute("area.plan")
    title = factory.Sequence(lambda n: f"Tiltak nummer {n}")
    description = "Regjeringen vil gjøre noe viktig."
    note = ""

    @factory.post_generation
    def units(measure, create, extracted, **kwargs):
        """``MeasureFactory(units=[lead, other])``; one new unit by default."""
        owners = extracted or [UnitFactory()]
        measure.responsibilities = [
            Responsibility(unit=unit, position=position) for position, unit in enumerate(owners)
        ]
        if create:
            db.session.flush()


class RoundFactory(BaseFactory):
    class Meta:
        model = ReportingRound

    plan = factory.SubFactory(PlanFactory)
    slug = factory.Sequence(lambda n: f"runde-{n}")
    title = factory.Sequence(lambda n: f"Rapportering {n}")
    as_of = date(2026, 6, 1)
    deadline = date(2026, 5, 15)
    state = RoundState.OPEN
    intro = "Innledning."

    class Params:
        # The midterm round as published: RoundFactory(midterm=True).
        midterm = factory.Trait(
            slug="midtveis",
            as_of=date(2025, 6, 1),
            state=RoundState.PUBLISHED,
            published_at=datetime(2025, 6, 20, tzinfo=UTC),
        )


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
    unit = factory.LazyAttribute(lambda user: UnitFactory() if user.role == Role.CONTACT else None)
    active = True

    @factory.post_generation
    def plans(user, create, extracted, **kwargs):
        """A coordinator coordinates the default plan unless given ``plans=[...]``."""
        if user.role != Role.COORDINATOR:
            return
        user.coordinated_plans = list(extracted) if extracted is not None else [PlanFactory()]
        if create:
            db.session.flush()


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


class MilestoneFactory(BaseFactory):
    class Meta:
        model = Milestone

    measure = factory.SubFactory(MeasureFactory)
    title = factory.Sequence(lambda n: f"Delmål {n}")
    due_on = date(2026, 3, 1)
    note = ""


class IndicatorFactory(BaseFactory):
    class Meta:
        model = Indicator

    measure = factory.SubFactory(MeasureFactory)
    name = factory.Sequence(lambda n: f"Indikator {n}")
    unit = "antall"
    direction = Direction.HIGHER
    baseline_value = 20.0
    baseline_year = 2023
    target_value = 60.0
    target_year = 2027
    source = "SSB"


class IndicatorValueFactory(BaseFactory):
    class Meta:
        model = IndicatorValue

    report = factory.SubFactory(ReportFactory)
    indicator = factory.SubFactory(
        IndicatorFactory, measure=factory.SelfAttribute("..report.measure")
    )
    round = factory.SelfAttribute("report.round")
    value = 42.0
    period = "2025"
    comment = ""
    carried = False


class EvidenceFactory(BaseFactory):
    class Meta:
        model = Evidence

    report = factory.SubFactory(ReportFactory)
    content = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    stored_name = factory.Sequence(lambda n: f"vedlegg-{n:08d}.pdf")
    original_name = "rapport.pdf"
    content_type = "application/pdf"
    size = factory.LazyAttribute(lambda evidence: len(evidence.content or b""))
    url = None
    internal = False


class BudgetLineFactory(BaseFactory):
    class Meta:
        model = BudgetLine

    measure = factory.SubFactory(MeasureFactory)
    year = 2025
    allocated = 5_000_000
    spent = 3_000_000
    source = "Kap. 821 post 60"
