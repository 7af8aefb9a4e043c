"""A backup carries the results: milestones, indicators, values, budget lines and evidence,
the files byte for byte, from SQLite through a file into an empty PostgreSQL database; an
import refuses a file whose content is not what it says, as an upload would."""

import base64
import json
from datetime import date

from flask_migrate import upgrade
from sqlalchemy import select

from tests.factories import (
    BudgetLineFactory,
    EvidenceFactory,
    IndicatorValueFactory,
    MilestoneFactory,
)
from tests.support.app import make_app
from tests.support.databases import fresh_postgres_database
from tests.support.evidence_files import HTML_PRETENDING, docx_bytes, pdf_bytes, png_bytes
from tracker.extensions import db
from tracker.results.files import check_file
from tracker.results.models import BudgetLine, Evidence, IndicatorValue, Milestone


def migrated_app(url: str):
    app = make_app(url)
    with app.app_context():
        upgrade()
    return app


def run(app, *args) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_evidence_files_survive_export_and_import_into_empty_postgresql_byte_for_byte(tmp_path):
    files = {
        "rapport.pdf": pdf_bytes(pages=3),
        "referat.docx": docx_bytes("Møtereferat – ÆØÅ"),
        "graf.png": png_bytes(),
    }
    source = migrated_app("sqlite:///" + str(tmp_path / "source.sqlite"))
    with source.app_context():
        value = IndicatorValueFactory(value=1234.5, period="2025", carried=True)
        MilestoneFactory(measure=value.report.measure, done_on=date(2026, 2, 1))
        BudgetLineFactory(measure=value.report.measure)
        for name, content in files.items():
            EvidenceFactory(
                report=value.report,
                original_name=name,
                content=content,
                content_type=check_file(name, content).content_type,
            )
        EvidenceFactory(report=value.report, content=None, url="https://www.regjeringen.no/")
        db.session.commit()
        db.engine.dispose()
    from_sqlite, from_postgresql = tmp_path / "from-sqlite.json", tmp_path / "from-pg.json"
    run(source, "data", "export", str(from_sqlite))

    with fresh_postgres_database() as url:
        target = migrated_app(url)
        assert "Leste inn" in run(target, "data", "import", str(from_sqlite))
        with target.app_context():
            stored = {
                e.original_name: e.content
                for e in db.session.scalars(select(Evidence).where(Evidence.url.is_(None)))
            }
            assert stored == files
            carried = db.session.scalars(select(IndicatorValue)).one()
            assert (carried.value, carried.carried) == (1234.5, True)
            assert db.session.scalars(select(Milestone)).one().done_on == date(2026, 2, 1)
            assert db.session.scalars(select(BudgetLine)).one().allocated == 5_000_000
            db.engine.dispose()
        run(target, "data", "export", str(from_postgresql))
    assert from_postgresql.read_bytes() == from_sqlite.read_bytes()


def test_an_import_refuses_evidence_whose_content_is_not_what_it_says(runner, app, tmp_path):
    EvidenceFactory(original_name="rapport.pdf", content=pdf_bytes())
    db.session.commit()
    path = tmp_path / "export.json"
    runner.invoke(args=["data", "export", str(path)])
    document = json.loads(path.read_text(encoding="utf-8"))
    document["tables"]["evidence"][0]["content"] = base64.b64encode(HTML_PRETENDING).decode()
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(args=["data", "import", str(path), "--replace"])
    assert result.exit_code == 1
    assert "tabellen «evidence», rad 1: Innholdet i «rapport.pdf» er ikke en PDF-fil" in (
        result.output
    )
    assert db.session.scalars(select(Evidence)).one().content.startswith(b"%PDF")
