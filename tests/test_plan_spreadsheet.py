"""A coordinator makes a new plan from the spreadsheet template: the template downloads, a
filled-in copy becomes a plan they coordinate, and bad input is refused with the sheet and row
named, writing nothing."""

import io

import pytest
from openpyxl import load_workbook

from tests.factories import PlanFactory, UnitFactory
from tests.support.plan_spreadsheet import SLUG, workbook
from tests.support.workflow import csrf_token, make_user, snapshot
from tracker.extensions import db
from tracker.models import Plan, Role
from tracker.plan.queries import get_plan

NEW = "/planarbeid/ny-plan"


@pytest.fixture
def coordinator(app):
    PlanFactory()
    UnitFactory(abbreviation="AID", name="Arbeids- og inkluderingsdepartementet")
    user = make_user(Role.COORDINATOR, email="koord@example.no")
    db.session.commit()
    return user


def upload(client, content: bytes, name="plan.xlsx"):
    return client.post(
        NEW,
        data={"csrf_token": csrf_token(client, NEW), "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_the_template_downloads_as_an_attachment_with_the_four_sheets(client, login, coordinator):
    login(coordinator)
    response = client.get("/planarbeid/mal.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    sheets = load_workbook(io.BytesIO(response.data), read_only=True).sheetnames
    assert sheets[:4] == ["Plan", "Hovedområder", "Enheter", "Tiltak"]


def test_a_filled_in_template_becomes_a_plan_its_maker_coordinates(client, login, coordinator):
    login(coordinator)
    response = upload(client, workbook())
    assert response.status_code == 302, response.get_data(as_text=True)
    plan = get_plan(SLUG)
    assert plan is not None and plan.owner == "Oslo kommune"
    assert [p.slug for p in db.session.get(type(coordinator), coordinator.id).coordinated_plans][
        -1
    ] == SLUG
    page = client.get(f"/planer/{SLUG}/tiltak/2").get_data(as_text=True)
    assert "Rekruttering" in page
    assert page.index("Arbeids- og inkluderingsdepartementet") < page.index("Utdanningsetaten")
    assert client.get(f"/planarbeid/{SLUG}/").status_code == 200


@pytest.mark.parametrize(
    "content, expected",
    [
        (
            lambda: workbook(
                measures=[(1, "skole", "A", "a", "UDE"), (1, "skole", "B", "b", "UDE")]
            ),
            "arket «Tiltak», rad 2 og 3 (tiltak 1): nummeret er brukt av mer enn ett tiltak",
        ),
        (
            lambda: workbook(
                measures=[(1, "skole", "A", "a", "UDE"), (2, "skole", "B", "b", "XY")]
            ),
            "arket «Tiltak», rad 3 (tiltak 2): kolonnen «Ansvarlige» viser til en ukjent enhet "
            "«XY»",
        ),
        (
            lambda: workbook(measures=[(1, "idrett", "A", "a", "UDE")]),
            "arket «Tiltak», rad 2 (tiltak 1): kolonnen «Hovedområde» viser til et hovedområde "
            "som ikke finnes: «idrett»",
        ),
        (
            lambda: workbook(measures=[(1, "skole, arbeid", "A", "a", "UDE")]),
            "arket «Tiltak», rad 2 (tiltak 1): tiltaket står i flere hovedområder",
        ),
        (
            lambda: workbook(slug="handlingsplan-rasisme-2024-2027"),
            "arket «Plan»: det finnes allerede en plan med kortnavnet",
        ),
        (
            lambda: workbook(slug="enheter"),
            "arket «Plan»: kortnavnet «enheter» er et ord adressene bruker selv",
        ),
        (
            lambda: workbook(measures=[(1, "skole", '=HYPERLINK("x")', "a", "UDE")]),
            "arket «Tiltak», rad 2: inneholder en formel",
        ),
        (lambda: b"Nummer;Tittel\n1;Kurs\n", "Filen er ikke et Excel-regneark (XLSX)."),
    ],
    ids=[
        "duplicate number",
        "unknown unit",
        "missing area",
        "two areas",
        "slug",
        "reserved slug",
        "formula",
        "csv",
    ],
)
def test_bad_input_is_refused_naming_sheet_and_row_and_nothing_is_written(
    client, login, coordinator, content, expected
):
    login(coordinator)
    body = content()
    before = snapshot()
    response = upload(client, body)
    assert response.status_code == 400
    page = response.get_data(as_text=True).replace("&#34;", '"')
    assert "Planen ble ikke laget, og ingenting er lagret" in page
    assert expected in page
    assert snapshot() == before


def test_a_50_mb_file_is_refused_by_its_size_before_it_is_read(client, login, coordinator):
    login(coordinator)
    before = snapshot()
    response = upload(client, b"PK\x03\x04" + bytes(50 * 1024 * 1024))
    assert response.status_code == 413
    assert "Filen er på 50 MB; et regneark med en plan kan være på høyst 10 MB" in (
        response.get_data(as_text=True)
    )
    assert snapshot() == before
    assert db.session.query(Plan).count() == 1


def test_flask_plans_import_reads_the_same_spreadsheet(runner, coordinator, tmp_path):
    bad = tmp_path / "feil.xlsx"
    bad.write_bytes(workbook(measures=[(1, "idrett", "A", "a", "UDE")]))
    refused = runner.invoke(args=["plans", "import", str(bad)])
    assert refused.exit_code == 1
    assert "arket «Tiltak», rad 2 (tiltak 1): kolonnen «Hovedområde»" in refused.output
    assert get_plan(SLUG) is None
    good = tmp_path / "plan.xlsx"
    good.write_bytes(workbook())
    result = runner.invoke(args=["plans", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert get_plan(SLUG).title == "Oslo kommunes handlingsplan mot rasisme 2025–2028"
