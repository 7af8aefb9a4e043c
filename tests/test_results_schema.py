"""The results tables keep their rules in the database: one value per indicator and round,
one budget line per measure and year, evidence that is a file or a link, and bytes kept exactly."""

import os

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tests.factories import (
    BudgetLineFactory,
    EvidenceFactory,
    IndicatorValueFactory,
)
from tracker.extensions import db
from tracker.results.models import Evidence


def test_one_value_per_indicator_and_round(app):
    value = IndicatorValueFactory()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            IndicatorValueFactory(indicator=value.indicator, report=value.report)


def test_one_budget_line_per_measure_and_year(app):
    line = BudgetLineFactory()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            BudgetLineFactory(measure=line.measure, year=line.year)


def test_evidence_is_a_file_or_a_link_never_both_or_neither(app):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            EvidenceFactory(url="https://example.no/rapport")
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            EvidenceFactory(content=None)


def test_evidence_bytes_come_back_exactly_and_only_when_asked_for(app):
    data = os.urandom(300_000) + bytes(range(256))
    evidence_id = EvidenceFactory(content=data).id
    db.session.commit()
    db.session.expunge_all()
    loaded = db.session.scalars(select(Evidence).where(Evidence.id == evidence_id)).one()
    assert "content" not in loaded.__dict__  # deferred: lists of evidence never load the files
    assert loaded.content == data
