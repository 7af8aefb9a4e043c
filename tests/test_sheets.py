"""A contact person's round sheet: downloaded, filled in with openpyxl as in Excel, uploaded,
previewed, confirmed; and every kind of bad sheet refused with nothing changed."""

import io
import os
import struct
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.support.sheets import (
    build_sheet_world,
    confirm,
    edit_sheet,
    replace_member,
    upload,
)
from tracker.extensions import db
from tracker.models import MeasureReport, SheetUpload
from tracker.reporting.operations import save_report
from tracker.reporting.states import ReviewState, Status
from tracker.spreadsheets import round_sheet as layout
from tracker.spreadsheets import stamps


@pytest.fixture
def world(app):
    return build_sheet_world()


@pytest.fixture
def sheet(client, login, world):
    login(world.contact)
    response = client.get(world.base + "/regneark.xlsx")
    assert response.status_code == 200
    return response.data


def reports(world) -> dict[int, MeasureReport]:
    db.session.expire_all()
    return {
        report.measure.number: report
        for report in db.session.scalars(
            select(MeasureReport).where(MeasureReport.round_id == world.reporting_round.id)
        )
    }


def versions(world) -> dict[int, tuple]:
    return {n: (r.version, r.status, r.narrative) for n, r in reports(world).items()}


def test_the_sheet_has_instructions_first_and_a_protected_row_per_measure_of_the_unit(world, sheet):
    book = load_workbook(io.BytesIO(sheet))
    assert book.sheetnames[0] == "Veiledning"
    assert "Kultur- og likestillingsdepartementet" in book["Veiledning"]["A1"].value
    page = book[layout.REPORT_SHEET]
    rows = list(page.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == [1, 2, 3]  # not measure 99, the other unit's
    assert [row[2] for row in rows] == ["Hovedansvar", "Hovedansvar", "Medansvar"]
    assert rows[0][1] == "Tiltak 1 om æøå" and rows[0][7] == "Nei"
    assert page.protection.sheet and page.freeze_panes == "C2"
    assert page.column_dimensions["I"].hidden and page.column_dimensions["F"].width == 90
    assert not page["E2"].protection.locked and not page["F2"].protection.locked
    assert page["A2"].protection.locked and page["B2"].protection.locked
    assert page["F2"].alignment.wrap_text
    lists = {v.formula1 for v in page.data_validations.dataValidation}
    assert '"Ikke igangsatt,Pågående,Gjennomført"' in lists and '"Bokmål,Nynorsk"' in lists
    assert book[layout.CONTROL_SHEET].sheet_state == "veryHidden"


def test_an_upload_is_previewed_and_saved_as_drafts_only_when_confirmed(client, world, sheet):
    before = versions(world)
    edited = edit_sheet(
        sheet,
        {
            1: {"status": "Gjennomført", "narrative": "Arbeidet er fullført i år."},
            2: {"narrative": "Ny tekst på nynorsk.", "language": "Nynorsk"},
        },
    )
    response = upload(client, world, edited)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "2 tiltak blir endret" in page
    assert "<ins>" in page and "<del>" in page and "fullført" in page  # a word diff
    assert "Gjennomført" in page and "Norsk (nynorsk)" in page
    assert versions(world) == before  # nothing applied yet
    done = confirm(client, world, page)
    assert done.status_code == 302
    after = reports(world)
    assert (
        after[1].status == Status.COMPLETED and after[1].narrative == "Arbeidet er fullført i år."
    )
    assert after[2].narrative_language == "nn"
    assert {after[n].review_state for n in (1, 2)} == {ReviewState.DRAFT}
    assert after[1].updated_by_id == world.contact.id
    assert (after[3].version, after[3].narrative) == before[3][::2]
    assert db.session.scalar(select(func.count()).select_from(SheetUpload)) == 0


def test_send_inn_submits_the_changed_rows_and_those_marked_unchanged(client, world, sheet):
    edited = edit_sheet(sheet, {1: {"narrative": "Fullført."}, 2: {"unchanged": "Ja"}})
    page = upload(client, world, edited, submit=True).get_data(as_text=True)
    assert "Ingen endring: sendes til gjennomgang slik den står." in page
    confirm(client, world, page)
    after = reports(world)
    assert after[1].review_state == after[2].review_state == ReviewState.SUBMITTED
    assert after[2].narrative == "Status i fjor for tiltak 2."  # carried, sent as it stands
    assert after[3].review_state == ReviewState.DRAFT


def test_a_report_changed_in_the_browser_after_download_is_a_conflict_never_overwritten(
    client, world, sheet
):
    report = reports(world)[2]
    save_report(report, report.version, Status.IN_PROGRESS, "Skrevet i nettleseren.", world.contact)
    db.session.commit()
    edited = edit_sheet(
        sheet, {1: {"narrative": "Fra arket."}, 2: {"narrative": "Også fra arket."}}
    )
    page = upload(client, world, edited).get_data(as_text=True)
    assert "1 konflikt" in page
    conflict = page[page.index('class="sheet-conflict"') :]
    assert "Skrevet i nettleseren." in conflict and "Også fra arket." in conflict
    confirm(client, world, page)
    after = reports(world)
    assert after[1].narrative == "Fra arket."
    assert after[2].narrative == "Skrevet i nettleseren."


def test_a_report_saved_between_preview_and_confirmation_is_not_overwritten(client, world, sheet):
    page = upload(client, world, edit_sheet(sheet, {1: {"narrative": "Fra arket."}}))
    report = reports(world)[1]
    save_report(report, report.version, Status.IN_PROGRESS, "Lagret imens.", world.contact)
    db.session.commit()
    response = confirm(client, world, page.get_data(as_text=True))
    assert response.status_code == 409
    assert "endret siden forhåndsvisningen" in response.get_data(as_text=True)
    assert reports(world)[1].narrative == "Lagret imens."


def test_row_problems_are_listed_with_row_and_column_and_nothing_can_be_confirmed(
    client, app, world, sheet
):
    before = versions(world)
    limit = app.config["NARRATIVE_MAX_LENGTH"]
    edited = edit_sheet(
        sheet,
        {
            1: {"status": "Nesten ferdig"},
            2: {"narrative": "x" * (limit + 1)},
            3: {"narrative": '=HYPERLINK("https://angriper.example";"Klikk")'},
        },
        add=[{"number": 99, "status": "Pågående", "narrative": "Ikke vårt", "language": "Bokmål"}],
    )
    response = upload(client, world, edited)
    page = response.get_data(as_text=True)
    assert "4 feil må rettes i arket" in page
    problems = page[page.index('id="problems"') :]
    assert (
        "<td>2</td><td>Status</td>" in problems and "«Nesten ferdig» er ikke en status" in problems
    )
    assert "<td>3</td><td>Statusbeskrivelse</td>" in problems and f"høyst {limit} tegn" in problems
    assert "<td>4</td><td>Statusbeskrivelse</td>" in problems and "formel" in problems
    assert "HYPERLINK" in problems  # shown as text, never run
    assert "<td>5</td><td>Nr.</td>" in problems and "Tiltak 99 er ikke et av" in problems
    assert "/regneark/bekreft" not in page
    assert versions(world) == before


def test_a_row_the_person_may_not_edit_is_refused(client, world, sheet):
    report = reports(world)[1]
    report.review_state = ReviewState.SUBMITTED
    db.session.commit()
    sheet = client.get(world.base + "/regneark.xlsx").data
    before = versions(world)
    page = upload(client, world, edit_sheet(sheet, {1: {"narrative": "Endret."}}))
    assert "sendt til gjennomgang eller godkjent og kan ikke endres" in page.get_data(as_text=True)
    assert versions(world) == before


def test_another_units_sheet_is_refused(client, login, world):
    login(world.other_contact)
    theirs = client.get(world.base + "/regneark.xlsx").data
    login(world.contact)
    before = versions(world)
    response = upload(client, world, edit_sheet(theirs, {3: {"narrative": "Endret."}}))
    assert response.status_code == 400
    assert "en annen enhet enn din" in response.get_data(as_text=True)
    assert versions(world) == before
    assert db.session.scalar(select(func.count()).select_from(SheetUpload)) == 0


def test_another_rounds_sheet_is_refused(client, world, sheet):
    # The same sheet, with a (validly signed) stamp of another round.
    with client.application.test_request_context():
        stamp = stamps.sheet_stamp("host-2026", world.unit.id)
    book = load_workbook(io.BytesIO(sheet))
    book[layout.CONTROL_SHEET]["B1"] = stamp
    out = io.BytesIO()
    book.save(out)
    response = upload(client, world, out.getvalue())
    assert response.status_code == 400
    assert "en annen rapporteringsrunde («host-2026»)" in response.get_data(as_text=True)


def lying_about_size(body: bytes) -> bytes:
    """The zip with the Rapport sheet's declared size rewritten to 1,024 bytes everywhere."""
    archive = zipfile.ZipFile(io.BytesIO(body))
    info = archive.getinfo("xl/worksheets/sheet2.xml")
    real = struct.pack("<I", info.file_size)
    patched = body.replace(real, struct.pack("<I", 1024))
    assert patched != body
    return patched


def hundred_thousand_rows() -> bytes:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, 100_002))
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org'
        f'/spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("macro_name", "makroer"),
        ("macro_inside", "makroer"),
        ("csv_renamed", "ikke et Excel-regneark"),
        ("zip_bomb", "pakker seg ut til mer enn"),
        ("rows", "mer enn 1000 rader"),
        ("not_ours", "ikke et rapporteringsark"),
        ("lying_size", "ikke et Excel-regneark"),
        ("entities", "ikke et Excel-regneark"),
    ],
)
def test_bad_files_are_refused_whole_with_nothing_changed(client, world, sheet, case, message):
    filename, body = "ark.xlsx", sheet
    if case == "macro_name":
        filename = "ark.xlsm"
    elif case == "macro_inside":
        body = replace_member(sheet, "xl/vbaProject.bin", b"\0" * 100)
    elif case == "csv_renamed":
        body = b"Nr.;Tiltak;Status\n1;Tiltak 1;=1+1\n"
    elif case == "zip_bomb":
        body = replace_member(sheet, "xl/worksheets/sheet2.xml", b" " * (70 * 1024 * 1024))
        assert len(body) < 1024 * 1024
    elif case == "rows":
        body = replace_member(sheet, "xl/worksheets/sheet2.xml", hundred_thousand_rows())
    elif case == "lying_size":
        # A part that declares 1 KB and inflates to 70 MB: never unpacked past its word.
        body = lying_about_size(
            replace_member(sheet, "xl/worksheets/sheet2.xml", b" " * (70 * 1024 * 1024))
        )
    elif case == "entities":
        laughs = (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="2"><c r="A2" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
            b"</sheetData></worksheet>"
        )
        body = replace_member(sheet, "xl/worksheets/sheet2.xml", laughs)
    elif case == "not_ours":
        book = load_workbook(io.BytesIO(sheet))
        del book[layout.CONTROL_SHEET]
        out = io.BytesIO()
        book.save(out)
        body = out.getvalue()
    before = versions(world)
    response = upload(client, world, body, filename=filename)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert versions(world) == before
    assert db.session.scalar(select(func.count()).select_from(SheetUpload)) == 0


def test_a_ten_megabyte_file_is_refused_with_a_norwegian_message(client, world, sheet):
    response = upload(client, world, sheet + b"\0" * (10 * 1024 * 1024))
    assert response.status_code == 413
    assert "Filen er for stor" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(SheetUpload)) == 0


def test_someone_elses_upload_cannot_be_confirmed(client, login, world, sheet):
    page = upload(client, world, edit_sheet(sheet, {1: {"narrative": "Fra arket."}}))
    login(world.other_contact)
    assert confirm(client, world, page.get_data(as_text=True)).status_code == 403
    assert reports(world)[1].narrative != "Fra arket."


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_a_sheet_downloaded_in_another_language_is_read_back_in_any(client, world, sheet, lang):
    sheet = client.get(world.base + f"/regneark.xlsx?lang={lang}").data
    book = load_workbook(io.BytesIO(sheet))
    assert book.sheetnames[0] != "Veiledning"  # the instructions are in the chosen language
    validations = {v.formula1 for v in book[layout.REPORT_SHEET].data_validations.dataValidation}
    status_list = next(f for f in validations if f.count(",") == 2).strip('"').split(",")
    completed, yes = status_list[-1], ("Ja" if lang == "nn" else "Yes")
    edited = edit_sheet(sheet, {1: {"status": completed, "narrative": "Ferdig."}})
    page = upload(client, world, edited).get_data(as_text=True)  # the upload page in bokmål
    assert "1 tiltak blir endret" in page and "feil må rettes" not in page
    confirm(client, world, page)
    assert reports(world)[1].status == Status.COMPLETED
    sheet = client.get(world.base + f"/regneark.xlsx?lang={lang}").data
    page = upload(client, world, edit_sheet(sheet, {2: {"unchanged": yes}}), submit=True)
    assert "Ingen endring: sendes til gjennomgang" in page.get_data(as_text=True)


def test_ingen_endring_follows_the_workflows_rule_for_a_draft_changed_since_the_last_round(
    client, world, sheet
):
    report = reports(world)[2]
    save_report(report, report.version, Status.IN_PROGRESS, "Endret i år.", world.contact)
    db.session.commit()
    sheet = client.get(world.base + "/regneark.xlsx").data
    before = versions(world)
    page = upload(client, world, edit_sheet(sheet, {2: {"unchanged": "Ja"}}), submit=True)
    text = page.get_data(as_text=True)
    assert "<td>3</td><td>Ingen endring</td>" in text
    assert "er endret siden forrige runde" in text and "/regneark/bekreft" not in text
    assert versions(world) == before


def test_a_unit_abbreviation_with_norwegian_letters_names_the_file(client, world, sheet):
    world.unit.abbreviation = "BLÅ"
    db.session.commit()
    response = client.get(world.base + "/regneark.xlsx")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert 'filename="var-2027-BL_.xlsx"' in disposition
    assert "filename*=UTF-8''var-2027-BL%C3%85.xlsx" in disposition


def test_a_sheet_larger_than_any_form_but_within_its_own_limit_is_read(client, world, sheet):
    # Two megabytes (long narratives, embedded pictures): over the 1 MB every form may send.
    edited = edit_sheet(sheet, {1: {"narrative": "Fra et stort ark."}})
    padded = replace_member(edited, "xl/media/padding.bin", os.urandom(2 * 1024 * 1024))
    assert len(padded) > client.application.config["MAX_CONTENT_LENGTH"]
    response = upload(client, world, padded)
    assert response.status_code == 200
    assert "1 tiltak blir endret" in response.get_data(as_text=True)
