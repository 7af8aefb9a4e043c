"""Roles per plan as an administrator gives them, and the backup with several plans."""

import json

from sqlalchemy import func, select

from tests.support.workflow import build_world, csrf_token, fresh, snapshot
from tracker.backup.dump import dumps, export_data
from tracker.extensions import db
from tracker.models import Plan, Role, User, plan_coordinators


def test_admin_gives_a_new_coordinator_their_plans(client, app, login):
    world = build_world(two_plans=True)
    login(world.admin)
    form = client.get("/admin/brukere/ny").get_data(as_text=True)
    assert 'value="plan-b"' in form and 'value="handlingsplan-rasisme-2024-2027"' in form
    response = client.post(
        "/admin/brukere/ny",
        data={
            "email": "ny.koordinator@example.no",
            "name": "Nora",
            "role": "coordinator",
            "unit": "",
            "plans": ["plan-b"],
            "password": "",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 200
    user = db.session.scalars(select(User).where(User.email == "ny.koordinator@example.no")).one()
    assert [plan.slug for plan in user.coordinated_plans] == ["plan-b"]
    page = client.get("/admin/brukere").get_data(as_text=True)
    row = page[page.index('data-user="ny.koordinator@example.no"') :]
    assert "plan-b" in row[: row.index("</tr>")]


def test_admin_moves_a_coordinator_between_plans_and_a_contact_between_units(client, app, login):
    world = build_world(two_plans=True)
    login(world.admin)
    moved = client.post(
        f"/admin/brukere/{world.coordinator.id}",
        data={
            "name": "Kari Koordinator",
            "role": "coordinator",
            "unit": "",
            "plans": ["handlingsplan-rasisme-2024-2027", "plan-b"],
            "csrf_token": csrf_token(client),
        },
    )
    assert moved.status_code == 302
    assert [p.slug for p in fresh(world.coordinator).coordinated_plans] == [
        "handlingsplan-rasisme-2024-2027",
        "plan-b",
    ]
    # A coordinator made a contact person coordinates nothing any more.
    demoted = client.post(
        f"/admin/brukere/{world.coordinator.id}",
        data={"name": "Kari", "role": "contact", "unit": "MED", "csrf_token": csrf_token(client)},
    )
    assert demoted.status_code == 302
    kari = fresh(world.coordinator)
    assert (kari.role, kari.unit.abbreviation, kari.coordinated_plans) == (Role.CONTACT, "MED", [])


def test_a_plan_choice_that_is_not_offered_is_refused_and_changes_nothing(client, app, login):
    world = build_world(two_plans=True)
    login(world.admin)
    before = snapshot()
    response = client.post(
        f"/admin/brukere/{world.coordinator.id}",
        data={
            "name": "Kari",
            "role": "coordinator",
            "unit": "",
            "plans": ["finnes-ikke"],
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert "Velg planer fra listen." in response.get_data(as_text=True)
    assert snapshot() == before


def test_an_administrator_coordinates_no_plan_by_that_role(client, app, login):
    world = build_world(two_plans=True)
    login(world.admin)
    assert client.get("/rapportering/runder").status_code == 403
    assert client.get("/rapportering/status-2026/oversikt").status_code == 403
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(plan_coordinators)
            .where(plan_coordinators.c.user_id == world.admin.id)
        )
        == 0
    )


def test_a_backup_carries_every_plan_and_comes_back_whole(runner, app, tmp_path):
    build_world(two_plans=True)
    path = tmp_path / "export.json"
    assert runner.invoke(args=["data", "export", str(path)]).exit_code == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    tables = document["tables"]
    assert {row["slug"] for row in tables["plans"]} == {"handlingsplan-rasisme-2024-2027", "plan-b"}
    assert len(tables["plan_coordinators"]) == 2 and "responsible_units" in tables
    before = snapshot()
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    result = runner.invoke(args=["data", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert snapshot() == before
    assert db.session.scalar(select(func.count(Plan.id))) == 2


def test_an_export_from_before_plans_is_refused_with_the_way_to_load_it(runner, app, tmp_path):
    build_world()
    document = export_data(db.session.connection())
    db.session.rollback()
    document["schema_revision"] = "c3a9e1f0d2b4"  # the last revision before plans as data
    path = tmp_path / "old-export.json"
    path.write_text(dumps(document), encoding="utf-8")
    before = snapshot()
    result = runner.invoke(args=["data", "import", "--replace", str(path)])
    assert result.exit_code == 1
    assert "skjemaversjon «c3a9e1f0d2b4»" in result.output
    # The old version of tracker reads its own files; this one then upgrades the database.
    assert "Les filen inn med den versjonen av tracker som laget den" in result.output
    assert "flask --app wsgi db upgrade)" in result.output
    assert snapshot() == before
