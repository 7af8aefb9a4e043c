"""Each narrative carries its written standard (bokmål or nynorsk), chosen in the report form,
and every output marks it: the client pages, the DOCX, the open data and the backup."""

import csv
import io
import json
import re
from datetime import date

import pytest
from docx.oxml.ns import qn
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from tests.factories import PlanFactory
from tests.support.data_history import build_history
from tests.support.docx_reading import open_docx
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import build_world, csrf_token, fresh, make_user, snapshot
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.models import Measure, MeasureReport, ReportRevision, Role
from tracker.reporting.operations import approve_report, close_round, open_round, publish_round
from tracker.reporting.queries import get_round
from tracker.reporting.states import ReviewState, Status

NYNORSK_TEXT = "Arbeidet er i gang. Vi har starta opp eit nytt kurs.\n\n- Kurset er ope for alle"


def checked_language(page: str) -> str | None:
    radios = re.findall(r'<input[^>]*name="narrative_language"[^>]*>', page)
    checked = [
        re.search(r'value="(\w+)"', radio).group(1) for radio in radios if " checked" in radio
    ]
    return checked[0] if len(checked) == 1 else None


def textarea_language(page: str) -> str:
    return re.search(r'<textarea[^>]*lang="(\w+)"[^>]*name="narrative"', page).group(1)


def save(client, url: str, report, **fields):
    data = {
        "status": "in_progress",
        "narrative": NYNORSK_TEXT,
        "narrative_language": "nn",
        "version": str(fresh(report).version),
        "save": "Lagre utkast",
    } | fields
    data["csrf_token"] = csrf_token(client, url)
    return client.post(url, data={key: value for key, value in data.items() if value is not None})


@pytest.fixture
def world(app):
    return build_world()


# --- The form ----------------------------------------------------------------------------------


def test_an_empty_narrative_is_offered_in_the_persons_interface_language(client, world, login):
    world.report.narrative = ""
    login(world.lead_contact)
    assert (
        checked_language(client.get(world.report_url + "?lang=nn").get_data(as_text=True)) == "nn"
    )
    page = client.get(world.report_url).get_data(as_text=True)
    assert checked_language(page) == "nb" and textarea_language(page) == "nb"
    assert (
        checked_language(client.get(world.report_url + "?lang=en").get_data(as_text=True)) == "nb"
    )


def test_a_written_narrative_keeps_its_own_language_whatever_the_interface(client, world, login):
    login(world.lead_contact)  # the report holds a bokmål text already
    page = client.get(world.report_url + "?lang=nn").get_data(as_text=True)
    assert checked_language(page) == "nb"
    assert "Språk i statusskildringa" in page


def test_saving_in_nynorsk_marks_the_report_and_its_revision(client, world, login):
    login(world.lead_contact)
    response = save(client, world.report_url, world.report)
    assert response.status_code == 302
    report = fresh(world.report)
    assert (report.narrative, report.narrative_language) == (NYNORSK_TEXT, "nn")
    revision = db.session.scalars(
        select(ReportRevision).where(ReportRevision.report_id == report.id)
    ).all()[-1]
    assert (revision.version, revision.narrative_language) == (report.version, "nn")
    page = client.get(world.report_url).get_data(as_text=True)
    assert checked_language(page) == "nn" and textarea_language(page) == "nn"


def test_changing_only_the_language_is_a_change_of_its_own(client, world, login):
    login(world.lead_contact)
    before = fresh(world.report).version
    response = save(client, world.report_url, world.report, narrative="Opprinnelig tekst.")
    assert response.status_code == 302
    assert (fresh(world.report).version, fresh(world.report).narrative_language) == (
        before + 1,
        "nn",
    )
    again = save(client, world.report_url, world.report, narrative="Opprinnelig tekst.")
    assert again.status_code == 302 and fresh(world.report).version == before + 1


def test_an_unknown_language_gets_a_norwegian_message_and_changes_nothing(client, world, login):
    login(world.lead_contact)
    before = snapshot()
    response = save(client, world.report_url, world.report, narrative_language="de")
    assert response.status_code == 400
    assert "Velg bokmål eller nynorsk." in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_form_without_the_field_keeps_the_reports_language(client, world, login):
    world.report.narrative_language = "nn"
    login(world.lead_contact)
    response = save(client, world.report_url, world.report, narrative_language=None)
    assert response.status_code == 302
    assert fresh(world.report).narrative_language == "nn"


def test_the_database_accepts_only_bokmal_and_nynorsk(world):
    db.session.commit()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(
                text("UPDATE measure_reports SET narrative_language = 'de' WHERE id = :id"),
                {"id": world.report.id},
            )


# --- The coordinator's overview ------------------------------------------------------------------


def nynorsk_share_line(page: str, kind: str) -> str:
    line = re.search(rf'<li data-share="{kind}">(.*?)</li>', page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", line).split())


def test_overview_shows_the_nynorsk_share_against_the_minimum(client, world, login):
    login(world.coordinator)
    url = "/rapportering/status-2026/oversikt"
    page = client.get(url).get_data(as_text=True)
    assert nynorsk_share_line(page, "all") == (
        "Alle statusbeskrivelser i runden: 0 av 2 på nynorsk (0 prosent). "
        "Under minstekravet på 25 prosent"
    )
    world.other_report.narrative_language = "nn"
    world.other_report.review_state = ReviewState.APPROVED
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert nynorsk_share_line(page, "all") == (
        "Alle statusbeskrivelser i runden: 1 av 2 på nynorsk (50 prosent). Minstekravet er nådd"
    )
    assert nynorsk_share_line(page, "approved") == (
        "Godkjente statusbeskrivelser: 1 av 1 på nynorsk (100 prosent). Minstekravet er nådd"
    )
    nynorsk = client.get(url + "?lang=nn").get_data(as_text=True)
    assert "Alle statusskildringar i runden: 1 av 2 på nynorsk (50 prosent)." in nynorsk


# --- Every output, across several rounds ----------------------------------------------------------


@pytest.fixture
def published_in_nynorsk(seeded, client, login):
    """The seeded midterm round (bokmål), then a published 2026 round where measure 12 is told
    in nynorsk. Returns the coordinator."""
    coordinator = make_user(Role.COORDINATOR, email="koordinator@example.no")
    measure = db.session.scalar(select(Measure).where(Measure.number == 12))
    contact = make_user(Role.CONTACT, measure.units[0], email="kontakt@dep.example.no")
    reporting_round = open_round(
        PlanFactory(), "status-2026", "Status 2026", date(2026, 6, 1), None, coordinator
    )
    db.session.commit()
    login(contact)
    report = db.session.scalar(
        select(MeasureReport).where(
            MeasureReport.round_id == reporting_round.id, MeasureReport.measure_id == measure.id
        )
    )
    url = "/rapportering/status-2026/tiltak/12?lang=nn"
    response = save(client, url, report, save=None, send="Send til gjennomgang")
    assert response.status_code == 302
    db.session.expire_all()
    for each in reporting_round.reports:
        if each.review_state != ReviewState.SUBMITTED:
            each.review_state = ReviewState.SUBMITTED  # the other ministries' unchanged texts
    db.session.flush()
    for each in reporting_round.reports:
        approve_report(each, coordinator)
    close_round(reporting_round, coordinator)
    publish_round(reporting_round, coordinator)
    db.session.commit()
    return coordinator


def test_public_page_marks_each_narrative_with_its_own_language(client, published_in_nynorsk):
    html = client.get(PLAN_ONE + "/tiltak/12?lang=en").get_data(as_text=True)
    assert f'<div lang="nn">{"<p>Arbeidet er i gang. Vi har starta opp eit nytt kurs.</p>"}' in html
    # The midterm report's narrative for the same measure stays bokmål in the history.
    history = html[html.index("Published history") :]
    assert '<div lang="nb">' in history and '<div lang="nn">' in history
    other = client.get(PLAN_ONE + "/tiltak/13").get_data(as_text=True)
    assert '<div lang="nn">' not in other and '<div lang="nb">' in other


def test_open_data_gives_the_narrative_language(client, published_in_nynorsk):
    document = json.loads(client.get(PLAN_ONE + "/data/tiltak.json").get_data(as_text=True))
    assert "narrative_language" in document["fields"]
    languages = {row["number"]: row["narrative_language"] for row in document["measures"]}
    assert languages[12] == "nn"
    assert {language for number, language in languages.items() if number != 12} == {"nb"}
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(PLAN_ONE + "/data/tiltak.csv").get_data(as_text=True))
        )
    )
    assert [row["narrative_language"] for row in rows if row["number"] == "12"] == ["nn"]
    earlier = json.loads(
        client.get(PLAN_ONE + "/data/midtveis-2025/tiltak.json").get_data(as_text=True)
    )
    assert {row["narrative_language"] for row in earlier["measures"]} == {"nb"}


def run_languages(paragraph) -> set[str]:
    return {
        lang.get(qn("w:val"))
        for run in paragraph._p.iter(qn("w:r"))
        for lang in run.iter(qn("w:lang"))
    }


def test_docx_marks_the_nynorsk_narrative_nn_NO(published_in_nynorsk):
    data = collect_report_data(get_round("status-2026"), generated_on=date(2026, 6, 20))
    document = open_docx(build_midterm_report(data, chart_png=None))
    paragraphs = document.paragraphs
    nynorsk = [p for p in paragraphs if run_languages(p) == {"nn-NO"}]
    assert [p.text for p in nynorsk] == [
        "Arbeidet er i gang. Vi har starta opp eit nytt kurs.",
        "Kurset er ope for alle",
    ]
    assert nynorsk[1].style.name == "List Bullet"
    # Everything else is in the document's default language, nb-NO.
    assert not [p.text for p in paragraphs if "nn-NO" in run_languages(p) and p not in nynorsk]
    assert document.core_properties.language == "nb-NO"


def test_a_new_round_starts_from_the_published_narrative_in_its_language(published_in_nynorsk):
    coordinator = published_in_nynorsk
    next_round = open_round(
        PlanFactory(), "status-2027", "Status 2027", date(2027, 6, 1), None, coordinator
    )
    db.session.commit()
    drafts = {report.measure.number: report for report in next_round.reports}
    assert drafts[12].narrative == NYNORSK_TEXT and drafts[12].narrative_language == "nn"
    assert drafts[13].narrative_language == "nb"
    assert drafts[12].status == Status.IN_PROGRESS


# --- The backup ----------------------------------------------------------------------------------


def test_backup_carries_the_narrative_language_there_and_back(app, plan_data, runner, tmp_path):
    build_history(plan_data)
    path = tmp_path / "export.json"
    assert runner.invoke(args=["data", "export", str(path)]).exit_code == 0
    tables = json.loads(path.read_text(encoding="utf-8"))["tables"]
    assert {row["narrative_language"] for row in tables["report_revisions"]} == {"nb", "nn"}
    assert "nn" in {row["narrative_language"] for row in tables["measure_reports"]}
    result = runner.invoke(args=["data", "import", str(path), "--replace"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(MeasureReport.narrative_language).where(
                MeasureReport.narrative.like("Første avsnitt%")
            )
        )
        == "nn"
    )
