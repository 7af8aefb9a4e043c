"""The contact person's results for a round: milestones ticked off, indicator values (carried
with «ingen endring»), evidence files and links; every bad input refused at its own field with
the rest of the form kept and nothing saved; files served only as downloads, public only with
the approved, published report."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.factories import IndicatorFactory, IndicatorValueFactory, MilestoneFactory, RoundFactory
from tests.support.evidence_files import (
    HTML_PRETENDING,
    docx_bytes,
    encrypted_pdf_bytes,
    pdf_bytes,
    zip_bomb_docx_bytes,
)
from tests.support.workflow import build_world, csrf_token, field_error, fresh
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState
from tracker.results.models import Evidence, IndicatorValue


@pytest.fixture
def world(app):
    world = build_world()
    measure = world.report.measure
    world.milestone = MilestoneFactory(measure=measure, title="Veileder sendt på høring")
    world.indicator = IndicatorFactory(measure=measure, name="Kommuner med plan", unit="antall")
    db.session.commit()
    return world


def results_url(world) -> str:
    return world.report_url + "/resultater"


def post_results(client, world, fields: dict, files: dict | None = None):
    data = {"csrf_token": csrf_token(client, results_url(world)), **fields}
    for name, (filename, content) in (files or {}).items():
        data[name] = (io.BytesIO(content), filename)
    return client.post(results_url(world), data=data, content_type="multipart/form-data")


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_contact_ticks_off_a_milestone_reports_a_value_and_attaches_a_pdf(client, login, world):
    login(world.lead_contact)
    m, i = world.milestone.id, world.indicator.id
    response = post_results(
        client,
        world,
        {
            f"milestone_{m}": "15.3.2026",
            f"value_{i}": "1 234,5",
            f"period_{i}": "2025",
            f"comment_{i}": "Tall fra KS.",
            "evidence_file_title": "Høringsnotat",
        },
        {"evidence_file": ("/home/ola/dokumenter/notat.pdf", pdf_bytes())},
    )
    assert response.status_code == 302
    milestone = fresh(world.milestone)
    assert milestone.done_on == date(2026, 3, 15)
    assert milestone.done_report_id == world.report.id
    value = db.session.scalars(select(IndicatorValue)).one()
    assert (value.value, value.period, value.comment, value.carried) == (
        1234.5,
        "2025",
        "Tall fra KS.",
        False,
    )
    evidence = db.session.scalars(select(Evidence)).one()
    assert evidence.original_name == "notat.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.stored_name != "notat.pdf" and evidence.stored_name.endswith(".pdf")
    page = client.get(results_url(world)).get_data(as_text=True)
    assert "15.03.2026" in page and "1\u00a0234,5" in page and "Høringsnotat" in page
    assert "(PDF, 1 kB)" in page


def test_no_change_carries_the_last_value_and_marks_it_carried(client, login, world):
    earlier_round = RoundFactory(
        slug="status-2025", as_of=date(2025, 6, 1), state=RoundState.PUBLISHED
    )
    IndicatorValueFactory(
        indicator=world.indicator,
        report__round=earlier_round,
        report__measure=world.report.measure,
        value=42.0,
        period="2024",
    )
    db.session.commit()
    login(world.lead_contact)
    i = world.indicator.id
    response = post_results(client, world, {f"unchanged_{i}": "y", f"value_{i}": "tull"})
    assert response.status_code == 302
    carried = db.session.scalars(
        select(IndicatorValue).where(IndicatorValue.report_id == world.report.id)
    ).one()
    assert (carried.value, carried.period, carried.carried) == (42.0, "2024", True)


def test_no_change_without_an_earlier_value_asks_for_the_value(client, login, world):
    login(world.lead_contact)
    i = world.indicator.id
    response = post_results(client, world, {f"unchanged_{i}": "y"})
    assert response.status_code == 400
    assert "tidligere runde" in field_error(response.get_data(as_text=True), f"value_{i}")
    assert count(IndicatorValue) == 0


def test_a_bad_number_and_an_early_date_are_refused_at_their_fields_keeping_the_rest(
    client, login, world
):
    login(world.lead_contact)
    m, i = world.milestone.id, world.indicator.id
    response = post_results(
        client,
        world,
        {
            f"milestone_{m}": "31.12.2023",
            f"value_{i}": "førtito",
            f"period_{i}": "2025",
            f"comment_{i}": "Kommentaren min",
            "evidence_url": "https://www.regjeringen.no/rapport",
        },
        {"evidence_file": ("notat.pdf", pdf_bytes())},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "før planperioden (2024–2027)" in field_error(page, f"milestone_{m}")
    assert "ikke et tall" in field_error(page, f"value_{i}")
    # What was typed is still there, and nothing was saved half.
    assert "Kommentaren min" in page and "https://www.regjeringen.no/rapport" in page
    assert fresh(world.milestone).done_on is None
    assert count(IndicatorValue) == count(Evidence) == 0


@pytest.mark.parametrize(
    ("filename", "make_content", "message"),
    [
        ("rapport.pdf", lambda: HTML_PRETENDING, "er ikke en PDF-fil"),
        ("referat.docx", zip_bomb_docx_bytes, "mer enn 100 MB"),
        ("hemmelig.pdf", encrypted_pdf_bytes, "kryptert"),
        ("tom.pdf", lambda: b"", "er tom"),
        ("stor.pdf", lambda: b"%PDF-1.4\n" + b"0" * (21 * 1024 * 1024), "større enn 20 MB"),
        ("program.exe", lambda: b"MZ\x90\x00", "type vi ikke tar imot"),
        ("referat.docx", pdf_bytes, "er ikke en DOCX-fil"),
    ],
    ids=["html-named-pdf", "zip-bomb", "encrypted-pdf", "empty", "21-mb", "exe", "pdf-as-docx"],
)
def test_a_file_that_is_not_what_it_says_is_refused_and_the_rest_kept(
    client, login, world, filename, make_content, message
):
    login(world.lead_contact)
    i = world.indicator.id
    response = post_results(
        client,
        world,
        {f"value_{i}": "12 %", f"comment_{i}": "Beholdes"},
        {"evidence_file": (filename, make_content())},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in field_error(page, "evidence_file")
    assert "Beholdes" in page
    assert count(IndicatorValue) == count(Evidence) == 0


def test_a_docx_and_a_link_are_accepted(client, login, world):
    login(world.lead_contact)
    response = post_results(
        client,
        world,
        {"evidence_url": "https://www.regjeringen.no/rapport", "evidence_url_title": "Rapport"},
        {"evidence_file": ("referat.docx", docx_bytes())},
    )
    assert response.status_code == 302
    kinds = {(e.original_name, e.url) for e in db.session.scalars(select(Evidence))}
    assert kinds == {("referat.docx", None), ("", "https://www.regjeringen.no/rapport")}


def test_a_link_that_is_not_a_web_address_is_refused(client, login, world):
    login(world.lead_contact)
    response = post_results(client, world, {"evidence_url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert "https://" in field_error(response.get_data(as_text=True), "evidence_url")
    assert count(Evidence) == 0


def test_another_units_contact_cannot_report_results(client, login, world):
    login(world.other_contact)
    assert client.get(results_url(world)).status_code == 403
    assert post_results(client, world, {"evidence_url": "https://a.no/"}).status_code == 403
    assert count(Evidence) == 0


def test_files_are_downloads_public_only_when_approved_published_and_not_internal(
    client, login, world
):
    login(world.lead_contact)
    data = pdf_bytes()
    post_results(client, world, {}, {"evidence_file": ("notat.pdf", data)})
    evidence = db.session.scalars(select(Evidence)).one()
    url = f"/vedlegg/{evidence.stored_name}"
    own = client.get(url)
    assert own.status_code == 200 and own.data == data
    assert own.headers["Content-Disposition"].startswith("attachment")
    assert own.headers["X-Content-Type-Options"] == "nosniff"
    anonymous = client.application.test_client()
    assert anonymous.get(url).status_code == 404  # a draft's file is nobody else's business
    report = fresh(world.report)
    report.review_state = ReviewState.APPROVED
    report.round.state = RoundState.PUBLISHED
    db.session.commit()
    public = anonymous.get(url)
    assert public.status_code == 200 and public.data == data
    assert public.headers["Content-Disposition"].startswith("attachment")
    fresh(evidence).internal = True
    db.session.commit()
    assert anonymous.get(url).status_code == 404
