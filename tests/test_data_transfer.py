"""Moving all data out of one database and into another: nothing lost, nothing changed."""

import json

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.factories import MeasureFactory
from tests.support.app import make_app
from tests.support.data_history import build_history
from tests.support.databases import fresh_postgres_database
from tracker.backup.dump import FORMAT_VERSION
from tracker.extensions import db
from tracker.models import AuditEvent, Measure, MeasureReport, ReportRevision, User


def migrated_app(url: str):
    app = make_app(url)
    with app.app_context():
        upgrade()
    return app


def run(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_sqlite_to_file_to_postgresql_to_file_gives_identical_files(tmp_path, plan_data):
    source = migrated_app("sqlite:///" + str(tmp_path / "source.sqlite"))
    with source.app_context():
        build_history(plan_data)
        db.engine.dispose()
    from_sqlite, from_postgresql = tmp_path / "from-sqlite.json", tmp_path / "from-postgresql.json"
    assert "Skrev" in run(source, "data", "export", str(from_sqlite))

    with fresh_postgres_database() as url:
        target = migrated_app(url)
        assert "Leste inn" in run(target, "data", "import", str(from_sqlite))
        run(target, "data", "export", str(from_postgresql))
        with target.app_context():
            # Links survived: the revision still belongs to the person who made it.
            returned = db.session.scalar(
                select(ReportRevision).where(ReportRevision.action == "returned")
            )
            assert returned.report.measure.number == 1 and returned.author.active is False
            assert (
                db.session.scalar(select(User).where(User.email == "ase@aid.example.no")).name
                == "Åse Ærlig-Øyen"
            )
            # New rows continue after the imported ids (PostgreSQL's sequences were moved on).
            highest = db.session.scalar(select(func.max(AuditEvent.id)))
            event = AuditEvent(event="after_import")
            db.session.add(event)
            db.session.commit()
            assert event.id == highest + 1
            db.engine.dispose()

    assert from_postgresql.read_bytes() == from_sqlite.read_bytes()
    document = json.loads(from_sqlite.read_text(encoding="utf-8"))
    tables = document["tables"]
    assert document["format_version"] == FORMAT_VERSION
    assert len(tables["measures"]) == 50 and len(tables["measure_reports"]) == 51
    assert len(tables["report_revisions"]) == 52 and len(tables["audit_events"]) == 2
    assert all(user["password_hash"].startswith(("scrypt:", "pbkdf2:")) for user in tables["users"])
    assert tables["report_revisions"][-1]["created_at"] == "2026-03-01T11:30:15.123456+00:00"
    assert (
        tmp_path / "from-sqlite.json"
    ).stat().st_mode & 0o077 == 0  # password hashes: owner only


@pytest.fixture
def exported(app, plan_data, runner, tmp_path):
    """The history exported to a file, and the database emptied again."""
    build_history(plan_data)
    path = tmp_path / "export.json"
    runner.invoke(args=["data", "export", str(path)])
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    return path


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Measure, MeasureReport, ReportRevision, User, AuditEvent)
    }


EMPTY = {"Measure": 0, "MeasureReport": 0, "ReportRevision": 0, "User": 0, "AuditEvent": 0}


def refused(runner, path, *options) -> str:
    result = runner.invoke(args=["data", "import", str(path), *options])
    assert result.exit_code == 1, result.output
    assert "Ingenting ble lest inn, og databasen er uendret" in result.output
    return result.output


def test_import_refuses_a_database_that_holds_data_unless_told_to_replace(runner, exported):
    MeasureFactory(number=99, title="Finnes fra før")
    db.session.commit()
    assert "Databasen inneholder allerede data. Bruk --replace" in refused(runner, exported)
    assert db.session.scalars(select(Measure.title)).all() == ["Finnes fra før"]

    result = runner.invoke(args=["data", "import", str(exported), "--replace"])
    assert result.exit_code == 0, result.output
    assert counts() == {
        "Measure": 50,
        "MeasureReport": 51,
        "ReportRevision": 52,
        "User": 2,
        "AuditEvent": 2,
    }
    assert db.session.scalar(select(Measure).where(Measure.number == 99)) is None


def test_import_of_malformed_json_says_where_and_changes_nothing(runner, tmp_path, app):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "tracker-data",\n "tables": [', encoding="utf-8")
    assert "Filen er ikke gyldig JSON (linje 2" in refused(runner, path)
    assert counts() == EMPTY


def test_import_of_another_format_version_is_refused(runner, exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["format_version"] = FORMAT_VERSION + 1
    exported.write_text(json.dumps(document), encoding="utf-8")
    assert f"Filen har formatversjon {FORMAT_VERSION + 1}" in refused(runner, exported)
    assert counts() == EMPTY


def test_import_with_unknown_references_names_them_and_changes_nothing(runner, exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["tables"]["measure_reports"][-1]["measure_id"] = 4040
    document["tables"]["report_revisions"][-1]["author_id"] = 777
    exported.write_text(json.dumps(document), encoding="utf-8")
    output = refused(runner, exported)
    assert "«measure_id» viser til 4040 i «measures», som ikke finnes i filen" in output
    assert "«author_id» viser til 777 i «users»" in output
    assert counts() == EMPTY


def test_import_with_bad_values_lists_every_problem(runner, exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    tables = document["tables"]
    tables["measure_reports"][0]["status"] = "ferdig"
    tables["areas"][0]["key"] = "x" * 51
    tables["users"][0]["active"] = "ja"
    tables["report_revisions"][0]["created_at"] = "2026-03-01 12:00"
    del tables["responsible_units"][0]["name"]
    exported.write_text(json.dumps(document), encoding="utf-8")
    output = refused(runner, exported)
    assert "5 feil" in output
    assert "feltet «status» har ugyldig verdi «ferdig»" in output
    assert "feltet «key» er for langt (høyst 50 tegn)" in output
    assert "feltet «active» må være true eller false" in output
    assert "feltet «created_at» må ha tidssone" in output
    assert "tabellen «responsible_units», rad 1: feltet «name» mangler" in output
    assert counts() == EMPTY


def test_import_refused_by_the_database_itself_changes_nothing(runner, exported):
    document = json.loads(exported.read_text(encoding="utf-8"))
    contact = next(user for user in document["tables"]["users"] if user["role"] == "contact")
    contact["unit_id"] = None  # breaks the CHECK that a contact person belongs to a unit
    exported.write_text(json.dumps(document), encoding="utf-8")
    assert "Databasen avviste innholdet" in refused(runner, exported)
    assert counts() == EMPTY


def test_the_export_written_row_by_row_is_the_document_byte_for_byte(
    runner, app, plan_data, tmp_path
):
    """`data export` streams (bounded memory at 100 times the data); the file is the same."""
    from tracker.backup.dump import dumps, export_data

    build_history(plan_data)
    db.session.commit()
    path = tmp_path / "eksport.json"
    assert runner.invoke(args=["data", "export", str(path)]).exit_code == 0
    whole = dumps(export_data(db.session.connection()))
    db.session.rollback()
    assert path.read_text(encoding="utf-8") == whole
    assert json.loads(whole)["tables"]["report_revisions"]


def test_report_builds_are_left_out_of_the_export_and_cleared_by_a_replacing_import(
    runner, app, plan_data, tmp_path
):
    """A finished build holds bytes (its DOCX and PDF): work in progress, made again at will."""
    from tests.support.report_jobs import a_finished_job
    from tracker.export.models import ReportJob
    from tracker.reporting.queries import get_round

    build_history(plan_data)
    db.session.commit()
    a_finished_job(get_round("midtveis-2025"))
    path = tmp_path / "eksport.json"
    exported = runner.invoke(args=["data", "export", str(path)])
    assert exported.exit_code == 0, exported.output
    assert "report_jobs" not in json.loads(path.read_text(encoding="utf-8"))["tables"]
    replaced = runner.invoke(args=["data", "import", "--replace", str(path)])
    assert replaced.exit_code == 0, replaced.output
    assert db.session.scalar(select(func.count()).select_from(ReportJob)) == 0
    assert db.session.scalar(select(func.count()).select_from(ReportRevision)) > 0
