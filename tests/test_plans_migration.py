"""The migration to plans as data turns a database from before into plan one, losing no row; on
SQLite and on PostgreSQL; and its downgrade gives back the database it started from."""

from contextlib import contextmanager

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.support.app import make_app
from tests.support.databases import fresh_postgres_database
from tests.support.old_schema import (
    BEFORE_PLANS,
    BEFORE_SEARCH,
    PLANS,
    RENAMED_COLUMNS,
    RENAMED_TABLES,
    old_rows,
    table_contents,
    write_rows,
)
from tracker.extensions import db
from tracker.secret_key_check import fingerprints

PLAN_SLUG = "handlingsplan-rasisme-2024-2027"


@contextmanager
def database(kind: str, tmp_path):
    if kind == "sqlite":
        yield "sqlite:///" + str(tmp_path / "old.sqlite")
    else:
        with fresh_postgres_database() as url:
            yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def old_database(request, tmp_path):
    """An app on a database at the revision before plans, holding the old rows."""
    with database(request.param, tmp_path) as url:
        app = make_app(url)
        with app.app_context():
            upgrade(revision=BEFORE_PLANS)
            with db.engine.begin() as connection:
                write_rows(connection, old_rows())
            yield app
            db.session.remove()
            db.engine.dispose()


def contents():
    with db.engine.connect() as connection:
        return table_contents(connection)


def renamed(before: dict) -> dict:
    """The old rows as the new schema names them, without the columns that moved."""
    result = {}
    for table, rows in before.items():
        new_table = RENAMED_TABLES.get(table, table)
        result[new_table] = [
            tuple(
                sorted(
                    (RENAMED_COLUMNS.get((table, name), name), value)
                    for name, value in row
                    if (table, name) not in {("ministries", "position"), ("plans", "period")}
                )
            )
            for row in rows
        ]
    return result


# Columns later revisions add (the upgrade goes to the head), with their defaults.
LATER_COLUMNS = {
    "measures": ("version", "text_changed_at"),
    "responsible_units": ("merged_into_id",),
    "measure_reports": ("unit_names",),
    "mail_messages": ("unsubscribe_url",),
    "mail_preferences": ("decisions",),
}


def without(rows, *names):
    return [tuple(pair for pair in row if pair[0] not in names) for row in rows]


def test_upgrade_makes_plan_one_of_every_row_and_downgrade_gives_them_back(old_database):
    before = contents()
    upgrade()
    after = contents()

    # No row lost or changed: every old table's rows are all there, under the new names.
    old = renamed(before)
    assert without(after["areas"], "plan_id") == old["areas"]
    assert (
        without(
            after["measures"],
            "plan_id",
            "retired_on",
            "retired_reason",
            "continues_measure_id",
            *LATER_COLUMNS["measures"],
        )
        == old["measures"]
    )
    assert without(after["reporting_rounds"], "plan_id") == old["reporting_rounds"]
    assert (
        without(after["responsible_units"], "kind", *LATER_COLUMNS["responsible_units"])
        == old["responsible_units"]
    )
    for table in (
        "responsibilities",
        "users",
        "measure_reports",
        "report_revisions",
        "audit_events",
        "mail_messages",
        "mail_preferences",
    ):
        kept = without(after[table], *LATER_COLUMNS.get(table, ()))
        assert sorted(kept, key=repr) == sorted(old[table], key=repr), table
    assert {len(after[t]) for t in ("measure_reports",)} == {150}
    assert len(after["report_revisions"]) == 300

    # Everything belongs to plan one, which carries the identity the pages used to hard-code.
    [plan] = after["plans"]
    plan = dict(plan)
    assert (plan["id"], plan["slug"], plan["first_year"], plan["last_year"]) == (
        1,
        PLAN_SLUG,
        2024,
        2027,
    )
    assert plan["owner"] == "Arbeids- og inkluderingsdepartementet"
    assert plan["title"] == dict(before["plans"][0])["title"]
    assert plan["intro"].startswith("Her ser du hvor langt hvert tiltak er kommet")
    assert plan["default_language"] == "nb" and plan["note"] == dict(before["plans"][0])["note"]
    for table in ("areas", "measures", "reporting_rounds"):
        assert {dict(row)["plan_id"] for row in after[table]} == {1}, table
    assert {dict(row)["kind"] for row in after["responsible_units"]} == {"departement"}
    # The ministries' order becomes plan one's order of its units.
    assert sorted((dict(r)["unit_id"], dict(r)["position"]) for r in after["plan_units"]) == sorted(
        (dict(r)["id"], dict(r)["position"]) for r in before["ministries"]
    )
    # Every coordinator (the deactivated one too) coordinates plan one; nobody else does.
    assert sorted(dict(r)["user_id"] for r in after["plan_coordinators"]) == [2, 3]

    # The app works on it: the plan's pages, and an old address that now moves there.
    client = old_database.test_client()
    page = client.get(f"/planer/{PLAN_SLUG}/tiltak/12")
    assert page.status_code == 200 and "Status for tiltak 12 i host-2025." in page.get_data(
        as_text=True
    )
    moved = client.get("/tiltak/12?lang=en")
    assert moved.status_code == 301
    assert moved.location == f"/planer/{PLAN_SLUG}/tiltak/12?lang=en"
    # New rows get fresh ids after the copied ones (PostgreSQL's sequence was moved on).
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO responsible_units (abbreviation, name, kind) "
                "VALUES ('NY', 'Ny enhet', 'annet')"
            )
        )
        new_id = connection.execute(
            text("SELECT id FROM responsible_units WHERE abbreviation = 'NY'")
        ).scalar()
        connection.execute(text("DELETE FROM responsible_units WHERE abbreviation = 'NY'"))
    assert new_id > max(dict(r)["id"] for r in before["ministries"])

    db.session.remove()  # the requests' session, so no lock of theirs holds the downgrade up
    downgrade(revision=BEFORE_PLANS)
    assert contents() == before


def test_the_migrated_schema_is_the_one_the_models_declare(old_database):
    upgrade()
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = [
            difference
            for difference in compare_metadata(context, db.metadata)
            # The search index is the migrations' own (FTS5 or a tsvector), not a model, and the
            # running instances' key fingerprints are their state, not data.
            if "measure_search" not in repr(difference)
            and fingerprints.name not in repr(difference)
        ]
    assert differences == []


def test_a_downgrade_with_two_plans_is_refused_and_changes_nothing(old_database):
    # Up to the plans revision, not the head: SQLite's DDL is not transactional, so a later
    # revision's downgrade, run before the refusal, would stay done.
    upgrade(revision=PLANS)
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO plans (slug, title, first_year, last_year, owner, intro, "
                "default_language, launched, note) VALUES ('plan-b', 'Plan B', 2025, 2028, "
                "'Oslo kommune', '', 'nb', '', '')"
            )
        )
    # Alembic itself, so the refusal reaches the test (Flask-Migrate logs it and exits).
    config = old_database.extensions["migrate"].migrate.get_config()
    # Down to the plans' own revision first: the later ones have nothing to refuse.
    command.downgrade(config, PLANS)
    db.engine.dispose()
    before = contents()
    with pytest.raises(RuntimeError, match="Databasen har 2 planer"):
        command.downgrade(config, BEFORE_PLANS)
    db.engine.dispose()
    assert contents() == before


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_from_before_the_search_index_upgrades_all_the_way(kind, tmp_path):
    """The search index's migration fills the index from the tables of its own day, so a
    database that old still upgrades now that ministries have become units."""
    with database(kind, tmp_path) as url:
        app = make_app(url)
        with app.app_context():
            upgrade(revision=BEFORE_SEARCH)
            with db.engine.begin() as connection:
                write_rows(connection, old_rows())
            upgrade()
            client = app.test_client()
            by_title = client.get(f"/planer/{PLAN_SLUG}/tiltak?q=kampanje").get_data(as_text=True)
            assert f'href="/planer/{PLAN_SLUG}/tiltak/1"' in by_title
            # The units' names are in the index too (filled from «ministries» then).
            by_unit = client.get(f"/planer/{PLAN_SLUG}/tiltak?q=forsvarsdepartementet")
            assert f'href="/planer/{PLAN_SLUG}/tiltak/' in by_unit.get_data(as_text=True)
            db.session.remove()
            db.session.remove()
            db.engine.dispose()
