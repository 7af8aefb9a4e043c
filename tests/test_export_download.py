"""The coordinator's download page and the report command."""

import re
import subprocess
import time
from datetime import date

import pikepdf

from tests.factories import PlanFactory, UserFactory
from tests.support.docx_reading import headings, open_docx, paragraph_texts
from tracker.auth.models import Role
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.reporting.operations import open_round
from tracker.reporting.queries import get_round

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUMMARY = (
    "Av totalt 50 tiltak i handlingsplanen er 13 tiltak gjennomført, 32 er pågående "
    "og 5 er ikke igangsatt ennå."
)


def _coordinator(login):
    return login(UserFactory(role=Role.COORDINATOR, unit=None))


def _download(client, token: str, **fields):
    """Submit the round's download form the way the browser does (fields carry the round prefix)."""
    data = {"midtveis-2025-csrf_token": token} | {
        f"midtveis-2025-{k}": v for k, v in fields.items()
    }
    return client.post("/koordinator/rapport/midtveis-2025", data=data)


def _csrf_token(page: str) -> str:
    return re.search(r'name="midtveis-2025-csrf_token" type="hidden" value="([^"]+)"', page).group(
        1
    )


def test_coordinator_sees_every_round_with_a_download_form(seeded, client, login):
    _coordinator(login)
    response = client.get("/koordinator/rapport/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Midtveisrapport" in page and "1. juni 2025" in page
    assert 'action="/koordinator/rapport/midtveis-2025"' in page
    assert "style=" not in page and "<script>" not in page


def _finished_job_page(client, response) -> tuple[str, str]:
    """Follow a started build the way the page's script does: poll until it is no longer
    running, then load the job page. Returns the page's URL and its HTML."""
    assert response.status_code == 303
    job_url = response.headers["Location"]
    assert re.fullmatch(r"/koordinator/rapport/jobb/[0-9a-f]{32}", job_url)
    deadline = time.monotonic() + 180
    while True:
        status = client.get(job_url + "/status")
        assert status.status_code == 200 and "no-store" in status.headers["Cache-Control"]
        if status.json["state"] != "running":
            break
        assert time.monotonic() < deadline, status.json
        time.sleep(0.2)
    assert status.json["state"] == "done", status.json
    return job_url, client.get(job_url).get_data(as_text=True)


def _download_link(page: str, kind: str) -> str:
    return re.search(rf'href="(/koordinator/rapport/jobb/[0-9a-f]{{32}}/{kind})"', page).group(1)


def test_coordinator_builds_the_report_and_downloads_docx_and_pdf(seeded, client, login):
    _coordinator(login)
    token = _csrf_token(client.get("/koordinator/rapport/").get_data(as_text=True))
    started = _download(client, token, mode="final")
    first = client.get(started.headers["Location"]).get_data(as_text=True)
    assert 'role="status"' in first and "report-job.js" in first  # the progress message
    _, page = _finished_job_page(client, started)
    assert "Rapporten er klar." in page and "report-job.js" not in page
    pdf = client.get(_download_link(page, "pdf"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF-")
    assert "filename=midtveis-2025.pdf" in pdf.headers["Content-Disposition"]
    response = client.get(_download_link(page, "docx"))
    assert response.status_code == 200
    assert response.mimetype == DOCX
    assert "filename=midtveis-2025.docx" in response.headers["Content-Disposition"]
    document = open_docx(response.data)
    assert SUMMARY in paragraph_texts(document)
    assert ("Heading 1", "Tiltak: Arbeidsliv") in headings(document)
    assert len(document.inline_shapes) == 1


def test_coordinator_downloads_a_draft_with_the_changes_appendix(seeded, client, login):
    _coordinator(login)
    token = _csrf_token(client.get("/koordinator/rapport/").get_data(as_text=True))
    _, page = _finished_job_page(
        client, _download(client, token, mode="draft", include_changes="y")
    )
    response = client.get(_download_link(page, "docx"))
    assert "filename=midtveis-2025-utkast.docx" in response.headers["Content-Disposition"]
    document = open_docx(response.data)
    assert document.sections[0].header.paragraphs[0].text.startswith("UTKAST")
    assert "Vedlegg: Endringer siden forrige rapport" in paragraph_texts(document)


def test_an_unknown_mode_gets_a_norwegian_message_and_no_document(seeded, client, login):
    _coordinator(login)
    token = _csrf_token(client.get("/koordinator/rapport/").get_data(as_text=True))
    response = _download(client, token, mode="alt")
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "Rapporten ble ikke laget" in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused(seeded, client, login):
    _coordinator(login)
    response = client.post(
        "/koordinator/rapport/midtveis-2025", data={"midtveis-2025-mode": "final"}
    )
    assert response.status_code == 400
    assert response.mimetype != DOCX


def test_without_libreoffice_the_page_says_why_there_is_no_pdf(seeded, client, login, monkeypatch):
    from tracker.export import office

    office.stop()
    monkeypatch.setenv("TRACKER_UNO_PYTHON", "/nonexistent/python3")
    _coordinator(login)
    index = client.get("/koordinator/rapport/").get_data(as_text=True)
    assert "Python-broen til LibreOffice (python3-uno) mangler på serveren." in index
    token = _csrf_token(index)
    job_url, page = _finished_job_page(client, _download(client, token, mode="final"))
    office.stop()
    assert "PDF-en ble ikke laget" in page and "python3-uno" in page
    assert client.get(job_url + "/pdf").status_code == 404
    assert client.get(_download_link(page, "docx")).status_code == 200


def test_someone_elses_or_an_invented_job_is_404(seeded, client, login):
    _coordinator(login)
    assert client.get("/koordinator/rapport/jobb/" + "0" * 32).status_code == 404
    assert client.get("/koordinator/rapport/jobb/..%2F..%2Fetc").status_code == 404
    assert client.get("/koordinator/rapport/jobb/" + "0" * 32 + "/docx").status_code == 404


def test_unknown_round_is_404(seeded, client, login):
    _coordinator(login)
    token = _csrf_token(client.get("/koordinator/rapport/").get_data(as_text=True))
    response = client.post(
        "/koordinator/rapport/finnes-ikke", data={"finnes-ikke-csrf_token": token}
    )
    assert response.status_code == 404


def _valid_token_in_session(client, login) -> str:
    """A CSRF token this client's session accepts (fetched while signed in as coordinator)."""
    _coordinator(login)
    return _csrf_token(client.get("/koordinator/rapport/").get_data(as_text=True))


def test_contact_person_gets_403_on_page_and_download(seeded, client, login):
    token = _valid_token_in_session(client, login)
    login(UserFactory(role=Role.CONTACT))
    assert client.get("/koordinator/rapport/").status_code == 403
    response = _download(client, token, mode="final")
    assert response.status_code == 403
    assert response.mimetype != DOCX


def test_anonymous_visitor_gets_no_report(seeded, client, login):
    token = _valid_token_in_session(client, login)
    with client.session_transaction() as session:
        del session["_user_id"]
    assert client.get("/koordinator/rapport/").status_code in (302, 401)
    response = _download(client, token, mode="final")
    assert response.status_code in (302, 401)
    assert response.mimetype != DOCX


def test_report_command_writes_the_docx(seeded, runner, tmp_path):
    output = tmp_path / "rapport.docx"
    result = runner.invoke(
        args=["report", "--round", "midtveis-2025", "--output", str(output), "--no-chart"]
    )
    assert result.exit_code == 0, result.output
    assert f"Skrev {output}" in result.output
    document = open_docx(output.read_bytes())
    assert SUMMARY in paragraph_texts(document)
    assert len(document.inline_shapes) == 0


def test_report_command_draft_with_changes(seeded, runner, tmp_path):
    output = tmp_path / "utkast.docx"
    result = runner.invoke(
        args=[
            "report",
            "--round",
            "midtveis-2025",
            "--output",
            str(output),
            "--draft",
            "--changes",
            "--no-chart",
        ]
    )
    assert result.exit_code == 0, result.output
    document = open_docx(output.read_bytes())
    assert document.sections[0].header.paragraphs[0].text.startswith("UTKAST")
    assert "Vedlegg: Endringer siden forrige rapport" in paragraph_texts(document)


def test_report_command_explains_an_unknown_round_and_writes_nothing(seeded, runner, tmp_path):
    output = tmp_path / "rapport.docx"
    result = runner.invoke(args=["report", "--round", "midtveis-2052", "--output", str(output)])
    assert result.exit_code == 1
    assert (
        "Fant ingen rapporteringsrunde med kortnavnet «midtveis-2052». Kjente runder: "
        "midtveis-2025." in result.output
    )
    assert not output.exists()


def test_report_command_writes_a_tagged_pdf_with_page_numbers(seeded, runner, tmp_path):
    output = tmp_path / "rapport.pdf"
    result = runner.invoke(
        args=["report", "--round", "midtveis-2025", "--output", str(output), "--format", "pdf"]
    )
    assert result.exit_code == 0, result.output
    pdf = pikepdf.open(output)
    assert "/StructTreeRoot" in pdf.Root and str(pdf.Root.Lang) == "nb-NO"
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "3", "-l", "3", str(output), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert re.search(r"Om rapporten\s*\.{3,}\s*5", text), text[:400]


def _intro_fields(page: str, slug: str = "midtveis-2025") -> dict:
    based_on = re.search(
        rf'name="{slug}-intro-based_on" type="hidden" value="([0-9a-f]+)"', page
    ).group(1)
    return {f"{slug}-intro-csrf_token": _csrf_token(page), f"{slug}-intro-based_on": based_on}


def test_coordinator_writes_the_rounds_introduction_and_the_report_opens_with_it(
    seeded, client, login
):
    _coordinator(login)
    page = client.get("/koordinator/rapport/").get_data(as_text=True)
    assert "Midtveisrapporten gir en oversikt over status" in page  # today's text, to edit
    text = "Rapporten viser status ved utgangen av planperioden.\n\nSe [planen](https://www.regjeringen.no/)."
    response = client.post(
        "/koordinator/rapport/midtveis-2025/innledning",
        data=_intro_fields(page) | {"midtveis-2025-intro-intro": text},
    )
    assert response.status_code == 303
    assert "Innledningen er lagret." in client.get("/koordinator/rapport/").get_data(as_text=True)
    assert get_round("midtveis-2025").intro == text
    document = open_docx(build_midterm_report(collect_report_data(get_round("midtveis-2025"))))
    paragraphs = document.paragraphs
    start = next(
        i
        for i, p in enumerate(paragraphs)
        if (p.style.name, p.text) == ("Heading 1", "Om rapporten")
    )
    assert [p.text for p in paragraphs[start + 1 : start + 3]] == [
        "Rapporten viser status ved utgangen av planperioden.",
        "Se planen.",
    ]


def test_an_introduction_saved_meanwhile_is_not_overwritten(seeded, client, login):
    _coordinator(login)
    page = client.get("/koordinator/rapport/").get_data(as_text=True)
    stale = _intro_fields(page)
    # Another coordinator saves first, from the same page state.
    first = client.post(
        "/koordinator/rapport/midtveis-2025/innledning",
        data=stale | {"midtveis-2025-intro-intro": "Den andres tekst."},
    )
    assert first.status_code == 303
    response = client.post(
        "/koordinator/rapport/midtveis-2025/innledning",
        data=stale | {"midtveis-2025-intro-intro": "Min tekst."},
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Innledningen er endret av noen andre" in html
    assert "Den andres tekst." in html and "Min tekst." in html  # neither text is lost
    db.session.expire_all()
    assert get_round("midtveis-2025").intro == "Den andres tekst."


def test_a_too_long_introduction_is_refused_in_norwegian_and_changes_nothing(
    seeded, client, login, app
):
    _coordinator(login)
    before = get_round("midtveis-2025").intro
    page = client.get("/koordinator/rapport/").get_data(as_text=True)
    too_long = "x" * (app.config["NARRATIVE_MAX_LENGTH"] + 1)
    response = client.post(
        "/koordinator/rapport/midtveis-2025/innledning",
        data=_intro_fields(page) | {"midtveis-2025-intro-intro": too_long},
    )
    assert response.status_code == 400
    assert "Den kan være på høyst" in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_round("midtveis-2025").intro == before


def test_a_new_round_starts_without_an_introduction_and_its_final_report_waits_for_one(
    seeded, client, login, runner, tmp_path
):
    assert get_round("midtveis-2025").intro  # the midterm report's own
    open_round(PlanFactory(), "status-2026", "Statusrapport 2026", date(2026, 6, 1), None, None)
    db.session.commit()
    assert get_round("status-2026").intro == ""

    _coordinator(login)
    page = client.get("/koordinator/rapport/").get_data(as_text=True)
    assert "Innledningen mangler. Skriv den før du lager den endelige rapporten" in page
    token = re.search(r'name="status-2026-csrf_token" type="hidden" value="([^"]+)"', page)
    refused = client.post(
        "/koordinator/rapport/status-2026",
        data={"status-2026-csrf_token": token.group(1), "status-2026-mode": "final"},
    )
    assert refused.status_code == 409
    assert "runden «Statusrapport 2026» har ingen innledning ennå" in refused.get_data(as_text=True)
    assert "Location" not in refused.headers  # no build started

    output = tmp_path / "status-2026.docx"
    result = runner.invoke(args=["report", "--round", "status-2026", "--output", str(output)])
    assert result.exit_code != 0 and "har ingen innledning ennå" in result.output
    assert not output.exists()


def test_the_report_page_offers_a_final_report_that_says_sluttrapport(seeded, client, login):
    _coordinator(login)
    page = client.get("/koordinator/rapport/").get_data(as_text=True)
    assert "Sluttrapport (resultatene først)" in page
    _, job_page = _finished_job_page(
        client, _download(client, _csrf_token(page), mode="draft", kind="sluttrapport")
    )
    response = client.get(_download_link(job_page, "docx"))
    assert "sluttrapport" in response.headers["Content-Disposition"]
    assert "Sluttrapport" in paragraph_texts(open_docx(response.data))[:4]
