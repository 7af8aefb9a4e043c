"""`flask seed --if-empty` (run by make serve at every start) loads the plan once, then leaves it
be."""

from sqlalchemy import func, select

from tests.factories import MeasureFactory
from tracker.extensions import db
from tracker.models import Measure


def test_seed_if_empty_loads_an_empty_database(runner):
    result = runner.invoke(args=["seed", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Measure)) == 50


def test_seed_if_empty_leaves_an_existing_plan_alone(runner):
    MeasureFactory(number=1, title="Tittel endret i databasen")
    db.session.commit()
    result = runner.invoke(args=["seed", "--if-empty"])
    assert result.exit_code == 0
    assert "ingenting lastet" in result.output
    assert db.session.scalars(select(Measure.title)).all() == ["Tittel endret i databasen"]
