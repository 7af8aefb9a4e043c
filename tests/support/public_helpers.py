"""Helpers the public-page tests share: the plans' addresses, a second published round, and a
5,000-measure plan."""

from datetime import UTC, date, datetime

from sqlalchemy import insert, select, text

from tests.factories import PlanFactory, ReportFactory, RoundFactory
from tracker.extensions import db
from tracker.models import (
    Area,
    Measure,
    MeasureReport,
    Plan,
    PlanUnit,
    ReportingRound,
    Responsibility,
    ResponsibleUnit,
)
from tracker.public.search import mark_all_stale
from tracker.reporting.states import ReviewState, RoundState, Status

# Where plan one's public pages are: the seeded plan's, and the factories' default plan's.
PLAN_ONE = "/planer/handlingsplan-rasisme-2024-2027"


def measure(number: int, plan: Plan | None = None) -> Measure:
    """Measure ``number`` of ``plan`` (default: the first plan)."""
    plan = plan or PlanFactory()
    return db.session.scalar(
        select(Measure).where(Measure.plan_id == plan.id, Measure.number == number)
    )


def publish_second_round(
    statuses: dict[int, Status], narrative: str = "Oppdatert status."
) -> ReportingRound:
    """A round after the midterm, published, with approved reports for the given measures."""
    reporting_round = RoundFactory(
        slug="host-2026",
        title="Statusrapport høst 2026",
        as_of=date(2026, 10, 1),
        state=RoundState.PUBLISHED,
        published_at=datetime(2026, 10, 15, tzinfo=UTC),
    )
    for number, status in statuses.items():
        ReportFactory(
            round=reporting_round,
            measure=measure(number),
            status=status,
            narrative=f"{narrative} (tiltak {number})",
            review_state=ReviewState.APPROVED,
        )
    db.session.commit()
    return reporting_round


def load_synthetic_plan(
    measure_count: int,
    slug: str = "handlingsplan-rasisme-2024-2027",
    round_slug: str = "runde",
    units: str = "D",
) -> Plan:
    """A plan of ``measure_count`` measures with a published round, inserted in bulk; its ten
    units are ``units`` + 0…9 (shared with any plan that has them already).

    Bulk inserts rather than factories: 5,000 measures one flush at a time would make the
    test slow without testing anything more. Ends with ANALYZE (see there).
    """
    plan = PlanFactory(slug=slug, title=f"Plan {slug}")
    db.session.execute(
        insert(Area),
        [
            {
                "plan_id": plan.id,
                "key": f"omrade-{i}",
                "name": f"Område {i}",
                "name_en": f"Area {i}",
                "position": i,
            }
            for i in range(5)
        ],
    )
    abbreviations = [f"{units}{i}" for i in range(10)]
    known = set(
        db.session.scalars(
            select(ResponsibleUnit.abbreviation).where(
                ResponsibleUnit.abbreviation.in_(abbreviations)
            )
        )
    )
    new = [a for a in abbreviations if a not in known]
    if new:
        db.session.execute(
            insert(ResponsibleUnit),
            [{"abbreviation": a, "name": f"Departement {a}", "kind": "departement"} for a in new],
        )
    ids = dict(
        db.session.execute(
            select(ResponsibleUnit.abbreviation, ResponsibleUnit.id).where(
                ResponsibleUnit.abbreviation.in_(abbreviations)
            )
        ).all()
    )
    ministry_ids = [ids[a] for a in abbreviations]
    db.session.execute(
        insert(PlanUnit),
        [
            {"plan_id": plan.id, "unit_id": unit_id, "position": i}
            for i, unit_id in enumerate(ministry_ids)
        ],
    )
    area_ids = db.session.scalars(
        select(Area.id).where(Area.plan_id == plan.id).order_by(Area.position)
    ).all()
    db.session.execute(
        insert(Measure),
        [
            {
                "plan_id": plan.id,
                "number": n,
                "area_id": area_ids[n % 5],
                "title": f"Tiltak {n}",
                "description": "Beskrivelse.",
                "note": "",
            }
            for n in range(1, measure_count + 1)
        ],
    )
    measure_ids = db.session.scalars(
        select(Measure.id).where(Measure.plan_id == plan.id).order_by(Measure.number)
    ).all()
    responsibilities = []
    for index, measure_id in enumerate(measure_ids):
        responsibilities.append(
            {"measure_id": measure_id, "unit_id": ministry_ids[index % 10], "position": 0}
        )
        if index % 3 == 0:
            responsibilities.append(
                {
                    "measure_id": measure_id,
                    "unit_id": ministry_ids[(index + 1) % 10],
                    "position": 1,
                }
            )
    db.session.execute(insert(Responsibility), responsibilities)
    reporting_round = ReportingRound(
        plan=plan,
        slug=round_slug,
        title="Runde",
        as_of=date(2026, 6, 1),
        state=RoundState.PUBLISHED,
        published_at=datetime(2026, 6, 15, tzinfo=UTC),
    )
    db.session.add(reporting_round)
    db.session.flush()
    statuses = list(Status)
    db.session.execute(
        insert(MeasureReport),
        [
            {
                "round_id": reporting_round.id,
                "measure_id": measure_id,
                "status": statuses[index % 3],
                "narrative": "Arbeidet pågår.",
                "review_state": ReviewState.APPROVED,
                "version": 1,
                "review_comment": "",
                "updated_at": datetime(2026, 6, 10, tzinfo=UTC),
            }
            for index, measure_id in enumerate(measure_ids)
        ],
    )
    mark_all_stale(db.session)  # bulk inserts: the search index does not see them
    db.session.commit()
    # The planner's statistics of the reports, which a bulk load leaves stale: without them
    # SQLite compares every measure with every ranked report for the status counts (1.7 s a
    # front page at 5,000 measures, 0.03 s with them). The tests using this count queries and
    # read pages. PostgreSQL plans those counts well without (measured).
    if db.engine.dialect.name == "sqlite":
        db.session.execute(text("ANALYZE measure_reports"))
        db.session.commit()
    return plan
