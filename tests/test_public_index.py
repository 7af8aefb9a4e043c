"""The first page lists the 50 measures by area with their published status."""

import re

from sqlalchemy import select

from tests.factories import MeasureFactory
from tracker.extensions import db
from tracker.models import Measure, MeasureReport
from tracker.reporting.states import ReviewState
from tracker.typography import as_read


def test_index_lists_every_measure_with_its_status(client, seeded):
    html = client.get("/").get_data(as_text=True)
    for measure in seeded["measures"]:
        assert f'<td data-label="Nr.">{measure["number"]}</td>' in html
    assert html.count("status-label status-completed") == 13
    assert html.count("status-label status-in_progress") == 32
    assert html.count("status-label status-not_started") == 5
    assert "Status pr. 1. juni 2025" in as_read(html)
    assert "Av totalt 50 tiltak er 13 gjennomført, 32 pågående og 5 ikke igangsatt." in html


def test_index_before_anything_is_published(client, app):
    MeasureFactory()
    db.session.commit()
    response = client.get("/")
    assert response.status_code == 200
    assert "Ingen status er publisert ennå." in response.get_data(as_text=True)


def test_index_does_not_show_unapproved_status(client, seeded):
    report = db.session.scalar(select(MeasureReport).join(Measure).where(Measure.number == 9))
    report.review_state = ReviewState.SUBMITTED
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    row = re.search(r"<td data-label=\"Nr.\">9</td>.*?</tr>", html, re.S).group(0)
    assert "Ikke rapportert" in row
