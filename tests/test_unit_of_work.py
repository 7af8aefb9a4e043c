"""One unit of work per request: a view's writes are committed together or not at all, and a
refusal comes back the way the error says (its status, its field) wherever it is raised."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from tests.factories import MeasureFactory, UnitFactory
from tests.support.workflow import csrf_token, field_error, make_user, snapshot
from tracker.extensions import csrf, db
from tracker.ministries.models import ResponsibleUnit
from tracker.models import ReportingRound, Role
from tracker.reporting.operations import open_round
from tracker.reporting.workflow_queries import today
from tracker.unit_of_work import flash_and_redirect, on_form, unit_of_work
from tracker.user_errors import UserError

TRACKER = Path(__file__).resolve().parent.parent / "tracker"


def test_opening_a_round_while_one_is_open_is_a_conflict_shown_at_the_form(app, client, login):
    """The same refusal (the workflow's state) answers 409 on every form, here too (was 400)."""
    plan = MeasureFactory(number=1, units=[UnitFactory()]).plan
    coordinator = login(make_user(Role.COORDINATOR))
    open_round(plan, "status-2026", "Status 2026", date(2026, 6, 1), None, coordinator)
    db.session.commit()
    before = snapshot()
    response = client.post(
        "/rapportering/runder/ny",
        data={
            "title": "Status 2027",
            "slug": "status-2027",
            "as_of": "2027-06-01",
            "deadline": (today() + timedelta(days=30)).isoformat(),
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 409
    assert "En rapporteringsrunde er allerede åpen" in field_error(
        response.get_data(as_text=True), "slug"
    )
    assert snapshot() == before
    assert db.session.scalars(select(ReportingRound.slug)).all() == ["status-2026"]


class RenameForm(FlaskForm):
    name = StringField()


class NameTaken(UserError):
    status = 409
    field = "name"


@pytest.mark.own_app  # adds a test-only route
def test_a_refusal_after_a_write_keeps_nothing_and_is_shown_on_its_field(app, client):
    """A refusal raised after the view already wrote (and flushed) leaves no trace."""

    @app.post("/test/omdop")
    @csrf.exempt
    def rename():
        form = RenameForm(meta={"csrf": False})
        form.validate()
        with unit_of_work(on_form(form, lambda: f"<p id=name-error>{form.name.errors}</p>")):
            db.session.add(ResponsibleUnit(abbreviation="NYTT", name=form.name.data))
            db.session.flush()
            raise NameTaken("Navnet er tatt.")
        return "saved"

    @app.post("/test/knapp")
    @csrf.exempt
    def button():
        with unit_of_work(flash_and_redirect("/tilbake")):
            db.session.add(ResponsibleUnit(abbreviation="KNAPP", name="Knapp"))
            db.session.flush()
            raise UserError("Det gikk ikke nå.")
        return "saved"

    response = client.post("/test/omdop", data={"name": "Nytt departement"})
    assert response.status_code == 409
    assert "Navnet er tatt." in response.get_data(as_text=True)
    pressed = client.post("/test/knapp")
    assert pressed.status_code == 302 and pressed.location == "/tilbake"
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "Det gikk ikke nå.")]
    assert db.session.scalars(select(ResponsibleUnit.abbreviation)).all() == []


def test_no_view_ends_its_own_transaction():
    """Views end their work only through unit_of_work (commands use transaction())."""
    hand_rolled = [
        f"{path.relative_to(TRACKER.parent)}:{number}"
        for path in TRACKER.rglob("*views.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\btransaction\(|\.commit\(\)|\.rollback\(\)", line)
    ]
    assert hand_rolled == []
