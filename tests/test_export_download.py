"""The coordinator's download page and the report command."""

import re

from tests.factories import UserFactory
from tests.support.docx_reading import headings, open_docx, paragraph_texts
from tracker.auth.models import Role

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SUMMARY = (
    "Av totalt 50 tiltak i handlingsplanen er 13 tiltak gjennomført, 32 er pågående "
    "og 5 er ikke igangsatt ennå."
)


def _coordinator(login):
    return login(UserFactory(role=Role.COORDINATOR, ministry=None))


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


def test_coordinator_downloads_the_final_report_as_docx(seeded, client, login):
    _coordinator(login)
    token = _csrf_token(client.get("/koordinator/rapport/").get_data(as_text=True))
    response = _download(client, token, mode="final")
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
    response = _download(client, token, mode="draft", include_changes="y")
    assert response.status_code == 200
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
