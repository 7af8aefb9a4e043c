"""Helpers the public-page tests share: a second published round, and a 5,000-measure plan."""

from datetime import UTC, date, datetime

from sqlalchemy import insert, select

from tests.factories import ReportFactory, RoundFactory
from tracker.extensions import db
from tracker.models import Area, Measure, MeasureReport, Ministry, ReportingRound, Responsibility
from tracker.reporting.states import ReviewState, RoundState, Status


def measure(number: int) -> Measure:
    return db.session.scalar(select(Measure).where(Measure.number == number))


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


def load_synthetic_plan(measure_count: int) -> None:
    """A plan of ``measure_count`` measures with a published round, inserted in bulk.

    Bulk inserts rather than factories: 5,000 measures one flush at a time would make the
    test slow without testing anything more.
    """
    db.session.execute(
        insert(Area),
        [
            {"key": f"omrade-{i}", "name": f"Område {i}", "name_en": f"Area {i}", "position": i}
            for i in range(5)
        ],
    )
    db.session.execute(
        insert(Ministry),
        [{"abbreviation": f"D{i}", "name": f"Departement {i}", "position": i} for i in range(10)],
    )
    area_ids = db.session.scalars(select(Area.id).order_by(Area.position)).all()
    ministry_ids = db.session.scalars(select(Ministry.id).order_by(Ministry.position)).all()
    db.session.execute(
        insert(Measure),
        [
            {
                "number": n,
                "area_id": area_ids[n % 5],
                "title": f"Tiltak {n}",
                "description": "Beskrivelse.",
                "note": "",
            }
            for n in range(1, measure_count + 1)
        ],
    )
    measure_ids = db.session.scalars(select(Measure.id).order_by(Measure.number)).all()
    responsibilities = []
    for index, measure_id in enumerate(measure_ids):
        responsibilities.append(
            {"measure_id": measure_id, "ministry_id": ministry_ids[index % 10], "position": 0}
        )
        if index % 3 == 0:
            responsibilities.append(
                {
                    "measure_id": measure_id,
                    "ministry_id": ministry_ids[(index + 1) % 10],
                    "position": 1,
                }
            )
    db.session.execute(insert(Responsibility), responsibilities)
    reporting_round = ReportingRound(
        slug="runde",
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
    db.session.commit()
