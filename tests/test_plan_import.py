"""`flask plans import FILE` makes a new plan from a plan file, checking everything first;
`flask plans list` shows the plans; users, rounds and reports are given per plan."""

import json

import pytest
from sqlalchemy import func, select

from tests.support.plan_files import municipal_plan
from tests.support.workflow import snapshot
from tracker.export.docx_report import build_midterm_report
from tracker.export.report_data import collect_report_data
from tracker.extensions import db
from tracker.models import Measure, Plan, PlanUnit, ReportingRound, ResponsibleUnit, Role, User
from tracker.plan.cli import MAX_PLAN_FILE_BYTES
from tracker.reporting.queries import get_round


def write(tmp_path, data, name="plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def import_plan(runner, path: str):
    return runner.invoke(args=["plans", "import", path])


def test_a_plan_file_becomes_a_new_plan_sharing_the_units_the_installation_has(
    runner, seeded, tmp_path
):
    result = import_plan(runner, write(tmp_path, municipal_plan()))
    assert result.exit_code == 0, result.output
    assert "Opprettet planen «Oslo kommunes handlingsplan mot rasisme 2025–2028»" in result.output
    assert "/planer/oslo-mot-rasisme-2025-2028/" in result.output
    plan = db.session.scalars(select(Plan).where(Plan.slug == "oslo-mot-rasisme-2025-2028")).one()
    assert (plan.period, plan.owner, plan.default_language) == (
        "2025–2028",
        "Oslo kommune, Byrådsavdeling for inkludering",
        "nn",
    )
    # AID is the seeded plan's AID, not a copy; the new units have their kinds.
    units = {u.abbreviation: u for u in db.session.scalars(select(ResponsibleUnit))}
    assert db.session.scalar(select(func.count()).where(ResponsibleUnit.abbreviation == "AID")) == 1
    assert (units["OE"].kind.value, units["BGO"].kind.value) == ("kommunal_enhet", "bydel")
    order = db.session.scalars(
        select(PlanUnit.unit_id).where(PlanUnit.plan_id == plan.id).order_by(PlanUnit.position)
    ).all()
    assert order == [units["OE"].id, units["BGO"].id, units["AID"].id]
    numbers = db.session.scalars(
        select(Measure.number).where(Measure.plan_id == plan.id).order_by(Measure.number)
    ).all()
    assert numbers == [1, 2, 3]
    retired = db.session.scalars(
        select(Measure).where(Measure.plan_id == plan.id, Measure.number == 3)
    ).one()
    assert retired.retired_on.isoformat() == "2025-03-01"
    assert get_round("oslo-host-2025").plan_id == plan.id

    listing = runner.invoke(args=["plans", "list"])
    assert listing.exit_code == 0
    lines = listing.output.splitlines()
    assert lines[0].startswith("oslo-mot-rasisme-2025-2028\tOslo kommunes handlingsplan")
    assert "\t2025–2028\t2 tiltak, 2 med publisert status" in lines[0]
    assert lines[1].startswith("handlingsplan-rasisme-2024-2027\t")
    assert lines[1].endswith("\t2024–2027\t50 tiltak, 50 med publisert status")


def broken(change):
    data = municipal_plan()
    change(data)
    return data


def two_areas(data):
    data["measures"][1]["area"] = ["skole", "arbeidsliv"]


def same_number_in_two_areas(data):
    data["measures"][2]["number"] = 1  # measure 1 is in «skole», this one in «arbeidsliv»


BAD_FILES = {
    "duplicate measure number": (
        lambda d: d["measures"][1].update(number=1, area="skole"),
        ["tiltak 1: nummeret er brukt av mer enn ett tiltak"],
    ),
    "unknown unit": (
        lambda d: d["measures"][0].update(units=["BGO", "NAV"]),
        ["tiltak 1: feltet «units» viser til en ukjent enhet «NAV»"],
    ),
    "area that does not exist": (
        lambda d: d["measures"][0].update(area="idrett"),
        ["tiltak 1: feltet «area» viser til et hovedområde som ikke finnes: «idrett»"],
    ),
    "a measure in two areas": (
        two_areas,
        ["tiltak 2: tiltaket står i flere hovedområder («skole», «arbeidsliv»)"],
    ),
    "one number in two areas": (
        same_number_in_two_areas,
        ["tiltak 1: tiltaket står i to hovedområder («skole» og «arbeidsliv»)"],
    ),
    "slug clash": (
        lambda d: d["plan"].update(slug="handlingsplan-rasisme-2024-2027"),
        ["plan: det finnes allerede en plan med kortnavnet «handlingsplan-rasisme-2024-2027»"],
    ),
    "a shared unit renamed": (
        lambda d: d["units"][2].update(name="Arbeidsdepartementet"),
        ["enhet «AID»: finnes allerede i installasjonen med navnet «Arbeids- og"],
    ),
    "a round slug of another plan": (
        lambda d: d["rounds"][0].update(slug="midtveis-2025"),
        ["rapporteringsrunde «midtveis-2025»: kortnavnet er allerede brukt av en runde i planen"],
    ),
    "no slug": (lambda d: d["plan"].pop("slug"), ["plan: feltet «slug» mangler eller er tomt"]),
    "no owner": (lambda d: d["plan"].pop("owner"), ["plan: feltet «owner» mangler eller er tomt"]),
    "a bad period": (
        lambda d: d["plan"].update(period="2028–2025"),
        ["plan: planperioden mangler eller er ugyldig"],
    ),
    "a bad unit kind": (
        lambda d: d["units"][0].update(kind="etat"),
        ["enhet «OE»: feltet «kind» må være en av"],
    ),
    "both units and ministries": (
        lambda d: d.update(ministries=d["units"]),
        ["units: filen kan ha «units» eller «ministries», ikke begge"],
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_plan_file_is_refused_naming_the_row_and_nothing_is_written(
    runner, seeded, tmp_path, case
):
    change, messages = BAD_FILES[case]
    before = snapshot()
    result = import_plan(runner, write(tmp_path, broken(change)))
    assert result.exit_code == 1
    assert "ble ikke lastet inn; databasen er uendret" in result.output
    for message in messages:
        assert message in result.output, result.output
    assert snapshot() == before


def test_every_problem_of_a_file_is_named_at_once(runner, seeded, tmp_path):
    def many(data):
        data["plan"]["slug"] = "handlingsplan-rasisme-2024-2027"
        data["measures"][0]["area"] = "idrett"
        data["measures"][1]["units"] = ["NAV"]

    result = import_plan(runner, write(tmp_path, broken(many)))
    assert result.exit_code == 1 and "3 feil:" in result.output


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(runner, app, tmp_path):
    path = tmp_path / "plan.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB of nothing: a sparse file, never parsed
    assert path.stat().st_size > MAX_PLAN_FILE_BYTES
    before = snapshot()
    result = import_plan(runner, str(path))
    assert result.exit_code == 1
    assert "Filen er på 50 MB, og en planfil kan være på høyst 10 MB." in result.output
    assert snapshot() == before


def test_the_ministries_list_of_the_first_seed_file_is_read_as_units(runner, seeded, tmp_path):
    data = municipal_plan()
    data["ministries"] = data.pop("units")
    for measure in data["measures"]:
        measure["ministries"] = measure.pop("units")
    result = import_plan(runner, write(tmp_path, data))
    assert result.exit_code == 0, result.output


def test_importing_the_same_file_twice_refuses_the_second_time(runner, seeded, tmp_path):
    path = write(tmp_path, municipal_plan())
    assert import_plan(runner, path).exit_code == 0
    before = snapshot()
    again = import_plan(runner, path)
    assert again.exit_code == 1 and "det finnes allerede en plan med kortnavnet" in again.output
    assert snapshot() == before


def test_seed_if_empty_loads_nothing_once_any_plan_exists(runner, app, tmp_path):
    assert import_plan(runner, write(tmp_path, municipal_plan())).exit_code == 0
    result = runner.invoke(args=["seed", "--if-empty"])
    assert result.exit_code == 0 and "ingenting lastet" in result.output
    assert db.session.scalar(select(func.count(Plan.id))) == 1


# --- People, rounds and reports per plan ----------------------------------------------------------


@pytest.fixture
def two_plans(runner, seeded, tmp_path):
    assert import_plan(runner, write(tmp_path, municipal_plan())).exit_code == 0


def test_users_create_takes_a_unit_and_a_coordinators_plans(runner, two_plans):
    contact = runner.invoke(
        args=[
            "users",
            "create",
            "oe@oslo.kommune.no",
            "--role",
            "contact",
            "--unit",
            "oe",
            "--password-stdin",
        ],
        input="et-godt-passord-for-oe\n",
    )
    assert contact.exit_code == 0, contact.output
    alias = runner.invoke(
        args=["users", "create", "aid@aid.no", "--role", "contact", "--ministry", "AID"]
    )
    assert alias.exit_code == 0, alias.output
    several = runner.invoke(args=["users", "create", "k@oslo.kommune.no", "--role", "coordinator"])
    assert several.exit_code == 1
    assert "Det finnes flere planer. Si hvilke koordinatoren skal koordinere med --plan" in (
        several.output
    )
    coordinator = runner.invoke(
        args=[
            "users",
            "create",
            "k@oslo.kommune.no",
            "--role",
            "coordinator",
            "--plan",
            "oslo-mot-rasisme-2025-2028",
        ]
    )
    assert coordinator.exit_code == 0, coordinator.output
    assert "koordinerer oslo-mot-rasisme-2025-2028" in coordinator.output
    unknown = runner.invoke(
        args=[
            "users",
            "create",
            "x@oslo.kommune.no",
            "--role",
            "coordinator",
            "--plan",
            "finnes-ikke",
        ]
    )
    assert unknown.exit_code == 1 and "Fant ikke planen finnes-ikke." in unknown.output
    not_a_coordinator = runner.invoke(
        args=[
            "users",
            "create",
            "y@oslo.kommune.no",
            "--role",
            "admin",
            "--plan",
            "oslo-mot-rasisme-2025-2028",
        ]
    )
    assert not_a_coordinator.exit_code == 1
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert users["oe@oslo.kommune.no"].unit.abbreviation == "OE"
    assert users["aid@aid.no"].unit.abbreviation == "AID"
    assert [p.slug for p in users["k@oslo.kommune.no"].coordinated_plans] == [
        "oslo-mot-rasisme-2025-2028"
    ]
    assert users["k@oslo.kommune.no"].role == Role.COORDINATOR
    assert "x@oslo.kommune.no" not in users and "y@oslo.kommune.no" not in users


def test_rounds_open_in_the_plan_named(runner, two_plans):
    without = runner.invoke(
        args=["rounds", "open", "oslo-2026", "--title", "Status 2026", "--as-of", "2026-06-01"]
    )
    assert without.exit_code == 1 and "Velg planen med --plan." in without.output
    opened = runner.invoke(
        args=[
            "rounds",
            "open",
            "oslo-2026",
            "--plan",
            "oslo-mot-rasisme-2025-2028",
            "--title",
            "Status 2026",
            "--as-of",
            "2026-06-01",
        ]
    )
    assert opened.exit_code == 0, opened.output
    # Measures 1 and 2; measure 3 was retired before the round's date and gets no draft.
    assert "Åpnet runden oslo-2026 med 2 rapporter." in opened.output
    assert get_round("oslo-2026").plan.slug == "oslo-mot-rasisme-2025-2028"
    # Plan one may have its own open round at the same time.
    national = runner.invoke(
        args=[
            "rounds",
            "open",
            "status-2026",
            "--plan",
            "handlingsplan-rasisme-2024-2027",
            "--title",
            "Status 2026",
            "--as-of",
            "2026-06-01",
        ]
    )
    assert national.exit_code == 0, national.output
    assert db.session.scalar(select(func.count()).where(ReportingRound.state == "open")) == 2


def test_report_of_a_round_of_another_plan_is_refused(runner, two_plans, tmp_path):
    output = tmp_path / "rapport.docx"
    result = runner.invoke(
        args=[
            "report",
            "--plan",
            "handlingsplan-rasisme-2024-2027",
            "--round",
            "oslo-host-2025",
            "--output",
            str(output),
        ]
    )
    assert result.exit_code == 1
    assert (
        "Runden «oslo-host-2025» hører til planen «oslo-mot-rasisme-2025-2028», ikke til "
        "«handlingsplan-rasisme-2024-2027». Ingen rapport ble laget."
    ) in result.output
    assert not output.exists()
    unknown = runner.invoke(
        args=[
            "report",
            "--plan",
            "finnes-ikke",
            "--round",
            "oslo-host-2025",
            "--output",
            str(output),
        ]
    )
    assert unknown.exit_code == 1 and "Fant ingen plan med kortnavnet «finnes-ikke»" in (
        unknown.output
    )


def test_a_plans_report_has_its_title_owner_and_measures_only(two_plans):
    from tests.support.docx_reading import open_docx, paragraph_texts

    data = collect_report_data(get_round("oslo-host-2025"))
    texts = paragraph_texts(open_docx(build_midterm_report(data)))
    assert texts[0] == "Oslo kommunes handlingsplan mot rasisme 2025–2028"
    assert "Utgitt av: Oslo kommune, Byrådsavdeling for inkludering" in texts
    assert any(text.startswith("1. Antirasistisk undervisningsopplegg") for text in texts)
    assert not any("Kampanje mot diskriminering i arbeidslivet" in text for text in texts)
    assert "Arbeids- og inkluderingsdepartementet (AID)" in texts
    assert not any("Kunnskapsdepartementet" in text for text in texts)
