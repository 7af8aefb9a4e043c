import pytest
from sqlalchemy import select

from tests.factories import UnitFactory
from tracker.extensions import db
from tracker.ministries.models import ResponsibleUnit
from tracker.transactions import transaction


def test_a_finished_block_is_committed(app):
    with app.app_context():
        with transaction():
            UnitFactory(abbreviation="AID")
    with app.app_context():
        assert db.session.scalars(select(ResponsibleUnit.abbreviation)).all() == ["AID"]


def test_a_failed_block_leaves_nothing_behind(app):
    with app.app_context():
        with pytest.raises(RuntimeError), transaction():
            UnitFactory(abbreviation="AID")
            db.session.flush()
            raise RuntimeError("the operation refused half-way")
    with app.app_context():
        assert db.session.scalars(select(ResponsibleUnit.abbreviation)).all() == []


def test_a_refusal_named_in_commit_on_keeps_the_work_and_still_reaches_the_caller(app):
    class Refused(Exception):
        pass

    with app.app_context():
        with pytest.raises(Refused), transaction(commit_on=(Refused,)):
            UnitFactory(abbreviation="AID")
            db.session.flush()
            raise Refused("recorded, then refused")
    with app.app_context():
        assert db.session.scalars(select(ResponsibleUnit.abbreviation)).all() == ["AID"]
