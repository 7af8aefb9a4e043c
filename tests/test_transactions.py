import pytest
from sqlalchemy import select

from tests.factories import MinistryFactory
from tracker.extensions import db
from tracker.ministries.models import Ministry
from tracker.transactions import transaction


def test_a_finished_block_is_committed(app):
    with app.app_context():
        with transaction():
            MinistryFactory(abbreviation="AID")
    with app.app_context():
        assert db.session.scalars(select(Ministry.abbreviation)).all() == ["AID"]


def test_a_failed_block_leaves_nothing_behind(app):
    with app.app_context():
        with pytest.raises(RuntimeError), transaction():
            MinistryFactory(abbreviation="AID")
            db.session.flush()
            raise RuntimeError("the operation refused half-way")
    with app.app_context():
        assert db.session.scalars(select(Ministry.abbreviation)).all() == []
