"""Every route × every role × every plan × GET/POST, with CSRF on: the status code, and the
database.

A refused request must change nothing at all (every table is compared); an allowed POST must
make exactly the change it exists for. Two plans: in plan A, measure 7 (lead unit LED,
co-responsible MED) and measure 8 (ANN); in plan B, its own measure 7, LED's alone. The
coordinator coordinates plan A, coordinator_b plan B only; the admin coordinates nothing.
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from tests.factories import EvidenceFactory, MilestoneFactory, UserFactory
from tests.support.report_jobs import a_finished_job
from tests.support.sheets import edit_sheet
from tests.support.workflow import World, build_world, csrf_token, fresh, snapshot
from tracker.export.models import ReportJob
from tracker.export.operations import intro_fingerprint
from tracker.extensions import db
from tracker.mail.models import MailPreference, MessageState, OutboxMessage
from tracker.models import AuditEvent, ReportingRound, Role, SheetUpload, User
from tracker.plan.queries import get_plan
from tracker.plan.spreadsheet import template
from tracker.reporting.states import ReviewState, RoundState
from tracker.results.models import Evidence, Milestone
from tracker.spreadsheets.queries import preview_upload, round_sheet
from tracker.spreadsheets.round_sheet import build_round_sheet

ROLES = (
    "anonymous",
    "lead_contact",
    "co_contact",
    "other_contact",
    "coordinator",
    "coordinator_b",
    "admin",
)
CONTACTS = {"lead_contact", "co_contact", "other_contact"}
RESPONSIBLE = {"lead_contact", "co_contact"}
# Pages every coordinator has, whichever plans they coordinate.
COORDINATORS = {"coordinator", "coordinator_b"}


@dataclass
class Case:
    name: str
    method: str
    path: Callable[[World], str]
    allowed: set[str]
    ok_status: int = 200
    data: Callable[[World], dict] = lambda world: {}
    world: dict = field(default_factory=dict)
    changed: Callable[[World], bool] | None = None  # for an allowed POST: did its change happen?
    # For an allowed request whose outcome is the response itself (a download), not a change.
    delivered: Callable[[object], bool] | None = None


def report_path(suffix=""):
    return lambda world: world.report_url + suffix


def report_b_path(suffix=""):
    return lambda world: world.report_b_url + suffix


def user_path(suffix=""):
    return lambda world: f"/admin/brukere/{world.other_contact.id}{suffix}"


def deactivated_user_path(suffix=""):
    """A deactivated contact of ANN's (only such an account's data can be erased), made here
    so that no role the matrix signs in as is deactivated."""

    def path(world):
        email = "sluttet@ann.example.no"
        user = db.session.scalars(select(User).where(User.email == email)).first()
        if user is None:
            user = UserFactory(role=Role.CONTACT, unit=world.other, email=email, active=False)
            db.session.commit()
        return f"/admin/brukere/{user.id}{suffix}"

    return path


def event_logged(name):
    return lambda world: (
        db.session.scalars(select(AuditEvent).where(AuditEvent.event == name)).first() is not None
    )


def evidence_path(suffix: str) -> Callable[[World], str]:
    """An evidence file on the report, for the routes that act on one."""

    def path(world: World) -> str:
        evidence = EvidenceFactory(report=world.report)
        db.session.commit()
        return f"{world.report_url}/vedlegg/{evidence.id}{suffix}"

    return path


def remove_result_path(world: World) -> str:
    """The removal address, with a milestone of measure 7 to remove."""
    MilestoneFactory(measure=world.report.measure)
    db.session.commit()
    return results_page(world) + "/fjern"


def a_milestone(world: World) -> int:
    return db.session.scalars(select(Milestone)).one().id


def results_page(world: World) -> str:
    return f"/koordinator/planer/{world.report.measure.plan.slug}/tiltak/7/resultater"


PLAN_A_EDIT = "/planarbeid/handlingsplan-rasisme-2024-2027"


def measure_edit(measure, **changes) -> dict:
    return {
        "title": measure.title,
        "description": measure.description,
        "area": measure.area.key,
        "units": ", ".join(unit.abbreviation for unit in measure.units),
        "version": str(measure.version),
        **changes,
    }


def failed_message_path() -> str:
    """A message the sender gave up on, for the admin's retry button."""
    message = OutboxMessage(
        event="round_opened",
        event_key="round_opened:1",
        recipient="annen@ann.example.no",
        subject="Emne",
        body_text="Tekst",
        body_html="<p>Tekst</p>",
        state=MessageState.FAILED,
    )
    db.session.add(message)
    db.session.commit()
    return f"/admin/utboks/{message.id}/prov-igjen"


def stored_sheet_upload(world: World) -> str:
    """LED's contact's sheet, with a change to measure 7, uploaded and waiting for confirmation;
    the confirmation form's fields are kept on the world."""
    sheet = build_round_sheet(round_sheet(world.reporting_round, world.lead))
    edited = edit_sheet(sheet, {7: {"narrative": "Fra regnearket."}})
    upload = SheetUpload(
        user_id=world.lead_contact.id,
        round_id=world.reporting_round.id,
        filename="ark.xlsx",
        content=edited,
        submit=False,
    )
    db.session.add(upload)
    db.session.commit()
    preview = preview_upload(upload, world.reporting_round, world.lead.id)
    world.sheet_confirmation = {"upload": str(upload.id), "fingerprint": preview.fingerprint}
    return "/rapportering/status-2026/regneark/bekreft"


CASES = [
    Case("contact start page", "GET", lambda w: "/rapportering/", CONTACTS),
    Case("results form", "GET", report_path("/resultater"), RESPONSIBLE | {"coordinator"}),
    Case(
        "save results",
        "POST",
        report_path("/resultater"),
        RESPONSIBLE,
        ok_status=302,
        data=lambda w: {"evidence_url": "https://www.regjeringen.no/rapport"},
        changed=lambda w: db.session.scalars(select(Evidence)).first() is not None,
    ),
    Case(
        "remove evidence",
        "POST",
        evidence_path("/fjern"),
        RESPONSIBLE,
        ok_status=302,
        changed=lambda w: db.session.scalars(select(Evidence)).first() is None,
    ),
    Case(
        "keep evidence internal",
        "POST",
        evidence_path("/intern"),
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"internal": "1"},
        changed=lambda w: db.session.scalars(select(Evidence)).one().internal,
    ),
    Case("measure results page", "GET", results_page, {"coordinator"}),
    Case(
        "remove milestone",
        "POST",
        remove_result_path,
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"kind": "milestone", "id": str(a_milestone(w))},
        changed=lambda w: db.session.scalars(select(Milestone)).first() is None,
    ),
    Case(
        "add milestone",
        "POST",
        results_page,
        {"coordinator"},
        ok_status=302,
        data=lambda w: {
            "form": "milestone",
            "milestone-title": "Veileder",
            "milestone-due_on": "01.03.2026",
        },
        changed=lambda w: db.session.scalars(select(Milestone)).first() is not None,
    ),
    Case("report form", "GET", report_path(), RESPONSIBLE | {"coordinator"}),
    Case(
        "save report",
        "POST",
        report_path(),
        RESPONSIBLE,
        ok_status=302,
        data=lambda w: {
            "status": "completed",
            "narrative": "Ny status.",
            "version": "1",
            "save": "Lagre",
        },
        changed=lambda w: fresh(w.report).narrative == "Ny status.",
    ),
    Case(
        "submit report",
        "POST",
        report_path(),
        RESPONSIBLE,
        ok_status=302,
        data=lambda w: {
            "status": "completed",
            "narrative": "Ferdig.",
            "version": "1",
            "send": "Send",
        },
        changed=lambda w: fresh(w.report).review_state == ReviewState.SUBMITTED,
    ),
    Case("report history", "GET", report_path("/historikk"), RESPONSIBLE | {"coordinator"}),
    Case(
        "approve report",
        "POST",
        report_path("/godkjenn"),
        {"coordinator"},
        ok_status=302,
        world={"review_state": ReviewState.SUBMITTED},
        changed=lambda w: fresh(w.report).review_state == ReviewState.APPROVED,
    ),
    Case(
        "approve several reports",
        "POST",
        lambda w: "/rapportering/status-2026/godkjenn-flere",
        {"coordinator"},
        ok_status=302,
        world={"review_state": ReviewState.SUBMITTED},
        data=lambda w: {"measures": ["7"]},
        changed=lambda w: fresh(w.report).review_state == ReviewState.APPROVED,
    ),
    Case(
        "review done: gathered decisions go out",
        "POST",
        lambda w: "/rapportering/status-2026/gjennomgang-ferdig",
        {"coordinator"},
        ok_status=302,
        # Nothing was gathered in this world, so nothing changes: the answer is the outcome.
        delivered=lambda response: response.location.endswith("/status-2026/oversikt"),
    ),
    Case(
        "return report",
        "POST",
        report_path("/send-tilbake"),
        {"coordinator"},
        ok_status=302,
        world={"review_state": ReviewState.SUBMITTED},
        data=lambda w: {"comment": "Rett dette."},
        changed=lambda w: fresh(w.report).review_comment == "Rett dette.",
    ),
    Case("list rounds", "GET", lambda w: "/rapportering/runder", COORDINATORS),
    Case("open round form", "GET", lambda w: "/rapportering/runder/ny", COORDINATORS),
    Case(
        "open round",
        "POST",
        lambda w: "/rapportering/runder/ny",
        COORDINATORS,  # each in the one plan they coordinate
        ok_status=302,
        world={"round_state": RoundState.PUBLISHED},
        data=lambda w: {
            "slug": "ny-runde",
            "title": "Ny runde",
            "as_of": "2027-06-01",
            "deadline": "",
        },
        changed=lambda w: (
            db.session.scalars(
                select(ReportingRound).where(ReportingRound.slug == "ny-runde")
            ).first()
            is not None
        ),
    ),
    Case("round overview", "GET", lambda w: "/rapportering/status-2026/oversikt", {"coordinator"}),
    Case(
        "close round",
        "POST",
        lambda w: "/rapportering/status-2026/lukk",
        {"coordinator"},
        ok_status=302,
        changed=lambda w: fresh(w.reporting_round).state == RoundState.CLOSED,
    ),
    Case(
        "publish round",
        "POST",
        lambda w: "/rapportering/status-2026/publiser",
        {"coordinator"},
        ok_status=302,
        world={"round_state": RoundState.CLOSED},
        changed=lambda w: fresh(w.reporting_round).state == RoundState.PUBLISHED,
    ),
    Case(
        "publish confirmation",
        "GET",
        lambda w: "/rapportering/status-2026/publiser",
        {"coordinator"},
        world={"round_state": RoundState.CLOSED},
    ),
    Case(
        "reopen round",
        "POST",
        lambda w: "/rapportering/status-2026/gjenapne",
        {"coordinator"},
        ok_status=302,
        world={"round_state": RoundState.CLOSED},
        changed=lambda w: fresh(w.reporting_round).state == RoundState.OPEN,
    ),
    Case(
        "withdraw publication",
        "POST",
        lambda w: "/rapportering/status-2026/avpubliser",
        {"coordinator"},
        ok_status=302,
        world={"round_state": RoundState.PUBLISHED},
        changed=lambda w: fresh(w.reporting_round).state == RoundState.CLOSED,
    ),
    Case(
        "change deadline",
        "POST",
        lambda w: "/rapportering/status-2026/frist",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"deadline": "2099-01-31"},
        changed=lambda w: fresh(w.reporting_round).deadline == date(2099, 1, 31),
    ),
    Case(
        "withdraw submitted report",
        "POST",
        report_path("/trekk-tilbake"),
        RESPONSIBLE,
        ok_status=302,
        world={"review_state": ReviewState.SUBMITTED},
        data=lambda w: {"version": "1"},
        changed=lambda w: fresh(w.report).review_state == ReviewState.DRAFT,
    ),
    Case(
        "correct report",
        "POST",
        report_path("/rett"),
        {"coordinator"},
        ok_status=302,
        world={"review_state": ReviewState.SUBMITTED},
        data=lambda w: {"status": "in_progress", "narrative": "Rettet tekst.", "version": "1"},
        changed=lambda w: fresh(w.report).narrative == "Rettet tekst.",
    ),
    Case(
        "confirm unchanged reports",
        "POST",
        lambda w: "/rapportering/status-2026/ingen-endring",
        RESPONSIBLE,
        ok_status=302,
        data=lambda w: {"measures": "7"},
        changed=lambda w: fresh(w.report).review_state == ReviewState.SUBMITTED,
    ),
    Case("list users", "GET", lambda w: "/admin/brukere", {"admin"}),
    Case("new user form", "GET", lambda w: "/admin/brukere/ny", {"admin"}),
    Case(
        "create user",
        "POST",
        lambda w: "/admin/brukere/ny",
        {"admin"},
        data=lambda w: {
            "email": "ny@ann.example.no",
            "name": "Ny",
            "role": "contact",
            "unit": "ANN",
            "password": "",
        },
        changed=lambda w: (
            db.session.scalars(select(User).where(User.email == "ny@ann.example.no")).first()
            is not None
        ),
    ),
    Case("edit user form", "GET", user_path(), {"admin"}),
    Case(
        "re-assign user",
        "POST",
        user_path(),
        {"admin"},
        ok_status=302,
        data=lambda w: {"name": "Anne Annen", "role": "contact", "unit": "LED"},
        changed=lambda w: fresh(w.other_contact).unit.abbreviation == "LED",
    ),
    Case(
        "deactivate user",
        "POST",
        user_path("/deaktiver"),
        {"admin"},
        ok_status=302,
        changed=lambda w: fresh(w.other_contact).active is False,
    ),
    Case(
        "reactivate user",
        "POST",
        user_path("/aktiver"),
        {"admin"},
        ok_status=302,
        changed=event_logged("user_reactivated"),
    ),
    Case("erase user form", "GET", deactivated_user_path("/slett-personopplysninger"), {"admin"}),
    Case(
        "erase user",
        "POST",
        deactivated_user_path("/slett-personopplysninger"),
        {"admin"},
        ok_status=302,
        changed=lambda w: (
            db.session.scalars(select(User).where(User.email == "sluttet@ann.example.no")).first()
            is None
        ),
    ),
    Case(
        "new password",
        "POST",
        user_path("/nytt-passord"),
        {"admin"},
        changed=lambda w: fresh(w.other_contact).password_hash != w.other_contact_hash,
    ),
    Case(
        "require new password",
        "POST",
        user_path("/krev-nytt-passord"),
        {"admin"},
        ok_status=302,
        changed=lambda w: fresh(w.other_contact).must_change_password is True,
    ),
    Case(
        "remove single sign-on link",
        "POST",
        user_path("/fjern-sso-kobling"),
        {"admin"},
        ok_status=302,
        changed=event_logged("sso_unlinked"),
    ),
    Case("audit log", "GET", lambda w: "/admin/logg", {"admin"}),
    Case("mail outbox", "GET", lambda w: "/admin/utboks", {"admin"}),
    Case(
        "retry a failed message",
        "POST",
        lambda w: failed_message_path(),
        {"admin"},
        ok_status=302,
        changed=lambda w: (
            db.session.scalars(select(OutboxMessage.state)).one() == MessageState.PENDING
        ),
    ),
    Case("notification choice form", "GET", lambda w: "/konto/varsler", COORDINATORS | CONTACTS),
    Case(
        "choose immediate or daily e-mail",
        "POST",
        lambda w: "/konto/varsler",
        COORDINATORS | CONTACTS,
        ok_status=302,
        # A coordinator's choice is about submissions, a contact person's about decisions.
        data=lambda w: {"submissions": "immediate", "decisions": "daily"},
        changed=lambda w: db.session.scalars(select(MailPreference)).first() is not None,
    ),
    Case("report download page", "GET", lambda w: "/koordinator/rapport/", COORDINATORS),
    Case(
        "download report",
        "POST",
        lambda w: "/koordinator/rapport/status-2026",
        {"coordinator"},
        ok_status=303,
        data=lambda w: {"mode": "draft"},
        # The build starts in the background; the answer sends the browser to its progress page.
        delivered=lambda response: response.location.startswith("/koordinator/rapport/jobb/"),
        changed=lambda w: db.session.scalars(select(ReportJob)).first() is not None,
    ),
    Case(
        "write round introduction",
        "POST",
        lambda w: "/koordinator/rapport/status-2026/innledning",
        {"coordinator"},
        ok_status=303,
        data=lambda w: {
            "status-2026-intro-intro": "Ny innledning.",
            "status-2026-intro-based_on": intro_fingerprint(w.reporting_round.intro),
        },
        changed=lambda w: fresh(w.reporting_round).intro == "Ny innledning.",
    ),
    # A build's id is a secret of the coordinator who started it (128 random bits).
    Case(
        "report build progress page",
        "GET",
        lambda w: f"/koordinator/rapport/jobb/{a_finished_job(w.reporting_round).public_id}",
        COORDINATORS,
    ),
    Case(
        "report build status",
        "GET",
        lambda w: f"/koordinator/rapport/jobb/{a_finished_job(w.reporting_round).public_id}/status",
        COORDINATORS,
    ),
    Case(
        "report build file",
        "GET",
        lambda w: f"/koordinator/rapport/jobb/{a_finished_job(w.reporting_round).public_id}/pdf",
        COORDINATORS,
        delivered=lambda response: response.data.startswith(b"%PDF"),
    ),
    # --- Editing a plan: its own coordinators only (coordinator_b edits plan B, not plan A).
    Case("plan list", "GET", lambda w: "/planarbeid/", COORDINATORS),
    Case("plan page", "GET", lambda w: PLAN_A_EDIT + "/", {"coordinator"}),
    Case("plan change log", "GET", lambda w: PLAN_A_EDIT + "/endringer", {"coordinator"}),
    Case("new measure form", "GET", lambda w: PLAN_A_EDIT + "/tiltak/ny", {"coordinator"}),
    Case(
        "add measure",
        "POST",
        lambda w: PLAN_A_EDIT + "/tiltak/ny",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {
            "title": "Nytt tiltak",
            "description": "Tekst.",
            "area": w.report.measure.area.key,
            "units": "ANN",
        },
        changed=lambda w: "Nytt tiltak" in snapshot()["measures"].__str__(),
    ),
    Case("measure edit form", "GET", lambda w: PLAN_A_EDIT + "/tiltak/7", {"coordinator"}),
    Case(
        "edit measure",
        "POST",
        lambda w: PLAN_A_EDIT + "/tiltak/7",
        {"coordinator"},
        ok_status=302,
        data=lambda w: measure_edit(w.report.measure, title="Ny tittel"),
        changed=lambda w: fresh(w.report.measure).title == "Ny tittel",
    ),
    Case(
        "retire measure",
        "POST",
        lambda w: PLAN_A_EDIT + "/tiltak/7/avslutt",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"retired_on": "2026-03-01", "reason": "Ferdig.", "version": "1"},
        changed=lambda w: fresh(w.report.measure).retired_on == date(2026, 3, 1),
    ),
    Case("new area form", "GET", lambda w: PLAN_A_EDIT + "/omrader/ny", {"coordinator"}),
    Case(
        "add area",
        "POST",
        lambda w: PLAN_A_EDIT + "/omrader/ny",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"key": "idrett", "name": "Idrett", "name_en": "Sport"},
        changed=lambda w: "idrett" in str(snapshot()["areas"]),
    ),
    Case(
        "area rename form",
        "GET",
        lambda w: f"{PLAN_A_EDIT}/omrader/{w.report.measure.area.key}",
        {"coordinator"},
    ),
    Case(
        "rename area",
        "POST",
        lambda w: f"{PLAN_A_EDIT}/omrader/{w.report.measure.area.key}",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"name": "Nytt navn", "name_en": "New name"},
        changed=lambda w: fresh(w.report.measure.area).name == "Nytt navn",
    ),
    Case(
        "edit measure in plan B",
        "POST",
        lambda w: "/planarbeid/plan-b/tiltak/7",
        {"coordinator_b"},
        ok_status=302,
        data=lambda w: measure_edit(w.report_b.measure, title="Ny tittel i plan B"),
        changed=lambda w: fresh(w.report_b.measure).title == "Ny tittel i plan B",
    ),
    # --- Reorganising units: ANN and MED are plan A's alone, LED is in plan B too, so no one
    # coordinating only one of the plans may rename it.
    Case("unit list", "GET", lambda w: "/planarbeid/enheter", COORDINATORS),
    Case("unit page", "GET", lambda w: "/planarbeid/enheter/ANN", {"coordinator"}),
    Case(
        "rename unit",
        "POST",
        lambda w: "/planarbeid/enheter/ANN/nytt-navn",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"abbreviation": "ANN", "name": "Nytt navn"},
        changed=lambda w: fresh(w.other).name == "Nytt navn",
    ),
    Case(
        "rename a unit shared with plan B",
        "POST",
        lambda w: "/planarbeid/enheter/LED/nytt-navn",
        set(),
        data=lambda w: {"abbreviation": "LED", "name": "Nytt navn"},
    ),
    Case(
        "merge units",
        "POST",
        lambda w: "/planarbeid/enheter/MED/slaa-sammen",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {"into": "ANN"},
        changed=lambda w: fresh(w.co).merged_into_id == w.other.id,
    ),
    Case(
        "split unit",
        "POST",
        lambda w: "/planarbeid/enheter/ANN/del",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {
            "abbreviation": "NY",
            "name": "Ny enhet",
            "kind": "departement",
            "measures": str(w.other_report.measure_id),
        },
        changed=lambda w: "Ny enhet" in str(snapshot()["responsible_units"]),
    ),
    # --- Making a plan: any coordinator (they coordinate what they make).
    Case("new plan page", "GET", lambda w: "/planarbeid/ny-plan", COORDINATORS),
    Case(
        "plan spreadsheet template",
        "GET",
        lambda w: "/planarbeid/mal.xlsx",
        COORDINATORS,
        delivered=lambda response: response.data.startswith(b"PK"),
    ),
    Case(
        "make a plan from a spreadsheet",
        "POST",
        lambda w: "/planarbeid/ny-plan",
        COORDINATORS,
        ok_status=302,
        data=lambda w: {"file": (io.BytesIO(template()), "plan.xlsx")},
        changed=lambda w: get_plan("oslo-mot-rasisme-2025-2028") is not None,
    ),
    Case("successor plan form", "GET", lambda w: PLAN_A_EDIT + "/etterfolger", {"coordinator"}),
    Case(
        "make a successor plan",
        "POST",
        lambda w: PLAN_A_EDIT + "/etterfolger",
        {"coordinator"},
        ok_status=302,
        data=lambda w: {
            "title": "Neste plan",
            "slug": "neste-plan",
            "first_year": "2028",
            "last_year": "2031",
            "measures": str(w.report.measure_id),
        },
        changed=lambda w: get_plan("neste-plan") is not None,
    ),
    # --- Plan B: its contact is LED's (responsible there too), its coordinator coordinator_b.
    Case("report form in plan B", "GET", report_b_path(), {"lead_contact", "coordinator_b"}),
    Case(
        "save report in plan B",
        "POST",
        report_b_path(),
        {"lead_contact"},
        ok_status=302,
        data=lambda w: {
            "status": "completed",
            "narrative": "Ny status i plan B.",
            "version": "1",
            "save": "Lagre",
        },
        changed=lambda w: fresh(w.report_b).narrative == "Ny status i plan B.",
    ),
    Case(
        "approve report in plan B",
        "POST",
        report_b_path("/godkjenn"),
        {"coordinator_b"},
        ok_status=302,
        world={"review_state": ReviewState.SUBMITTED},
        changed=lambda w: fresh(w.report_b).review_state == ReviewState.APPROVED,
    ),
    Case(
        "round overview in plan B",
        "GET",
        lambda w: "/rapportering/status-b-2026/oversikt",
        {"coordinator_b"},
    ),
    Case(
        "close round in plan B",
        "POST",
        lambda w: "/rapportering/status-b-2026/lukk",
        {"coordinator_b"},
        ok_status=302,
        changed=lambda w: fresh(w.round_b).state == RoundState.CLOSED,
    ),
    Case(
        "publish round in plan B",
        "POST",
        lambda w: "/rapportering/status-b-2026/publiser",
        {"coordinator_b"},
        ok_status=302,
        world={"round_state": RoundState.CLOSED},
        changed=lambda w: fresh(w.round_b).state == RoundState.PUBLISHED,
    ),
    Case(
        "confirm unchanged reports in plan B",
        "POST",
        lambda w: "/rapportering/status-b-2026/ingen-endring",
        {"lead_contact"},
        ok_status=302,
        data=lambda w: {"measures": "7"},
        changed=lambda w: fresh(w.report_b).review_state == ReviewState.SUBMITTED,
    ),
    # --- Spreadsheets: every contact of a unit with measures in the round; the round's coordinator.
    Case(
        "download round sheet",
        "GET",
        lambda w: "/rapportering/status-2026/regneark.xlsx",
        CONTACTS,
        delivered=lambda response: response.data.startswith(b"PK"),
    ),
    Case("sheet upload page", "GET", lambda w: "/rapportering/status-2026/regneark", CONTACTS),
    Case(
        "upload round sheet",
        "POST",
        lambda w: "/rapportering/status-2026/regneark",
        CONTACTS,
        ok_status=400,
        # A CSV with an .xlsx name: read and refused, so every allowed contact gets the same.
        data=lambda w: {"sheet": (io.BytesIO(b"Nr.;Status\n7;=1+1\n"), "ark.xlsx")},
        delivered=lambda response: "ikke et Excel-regneark" in response.get_data(as_text=True),
    ),
    Case(
        "confirm round sheet",
        "POST",
        stored_sheet_upload,
        {"lead_contact"},  # the uploader
        ok_status=302,
        data=lambda w: w.sheet_confirmation,
        changed=lambda w: fresh(w.report).narrative == "Fra regnearket.",
    ),
    Case(
        "export round reports",
        "GET",
        lambda w: "/rapportering/status-2026/rapporter.xlsx",
        {"coordinator"},
        delivered=lambda response: response.data.startswith(b"PK"),
    ),
    Case(
        "export plan reports",
        "GET",
        lambda w: f"/rapportering/planer/{w.reporting_round.plan.slug}/rapporter.xlsx",
        {"coordinator"},
        delivered=lambda response: response.data.startswith(b"PK"),
    ),
    Case(
        "download report in plan B",
        "POST",
        lambda w: "/koordinator/rapport/status-b-2026",
        {"coordinator_b"},
        ok_status=303,
        data=lambda w: {"mode": "draft"},
        delivered=lambda response: response.location.startswith("/koordinator/rapport/jobb/"),
        changed=lambda w: db.session.scalars(select(ReportJob)).first() is not None,
    ),
]
# Routes anyone may use: the public site, its feeds, open data, health check, signing in and out
# (password or single sign-on), and the e-mailed links (their signed token is the permission).
OPEN_BLUEPRINTS = {
    "public",
    "feeds",
    "open_data",
    "legacy",
    "health",
    "auth",
    "sso",
    "static",
    "account_links",
    # Evidence downloads: public files to anyone, others to the report's readers; checked in
    # tests/test_results_form.py (a refusal is a 404 there, not a sign-in page).
    "evidence_files",
    # Public, no sign-in: the privacy page, the read API, subscriptions (the mailed token is
    # their authority; tests/test_subscriptions.py).
    "statements",
    "api",
    "subscriptions",
}


@pytest.fixture(scope="module")
def module_app_config():
    # A queued report stays queued: who may queue one is the question here, not the build.
    return {"REPORT_JOBS_IN_WEB": False}


@pytest.fixture
def app(shared_app):
    """Hundreds of cases, each a world and a request or two: one app serves them all."""
    return shared_app


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: f"{case.method} {case.name}")
def test_route_answers_each_role_and_refusals_change_nothing(client, app, login, case, role):
    world = build_world(**case.world, two_plans=True)
    world.other_contact_hash = world.other_contact.password_hash
    if role != "anonymous":
        login(world.user(role))
    path = case.path(world)
    # The token from the privacy statement's page: the same session's token as the front
    # page's, on a page that reads no plan (hundreds of cases fetch one).
    token = csrf_token(client, "/personvern") if case.method == "POST" else None
    data = case.data(world) | {"csrf_token": token} if case.method == "POST" else None
    before = snapshot()

    response = client.open(path, method=case.method, data=data)

    if role in case.allowed:
        assert response.status_code == case.ok_status, response.get_data(as_text=True)[:2000]
        if case.delivered:
            assert case.delivered(response), f"{case.name} did not deliver"
        if case.changed is not None and case.method != "GET":
            assert case.changed(world), f"{case.name} did not happen"
        elif case.method == "GET" or case.delivered:
            assert snapshot() == before
        else:
            assert case.changed(world), f"{case.name} did not happen"
    else:
        expected = 302 if role == "anonymous" else 403
        assert response.status_code == expected
        if role == "anonymous":
            assert response.location.startswith("/logg-inn?next=")
        assert snapshot() == before


def test_every_route_behind_sign_in_is_in_the_matrix(app):
    world = build_world(two_plans=True)
    adapter = app.url_map.bind("localhost")
    covered = {
        (adapter.match(case.path(world), method=case.method)[0], case.method) for case in CASES
    }
    guarded = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] not in OPEN_BLUEPRINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert ("export.download", "POST") in guarded  # the rule set is really read from the app
    assert guarded - covered == set()


POSTS = [case for case in CASES if case.method == "POST" and case.allowed]


@pytest.mark.parametrize("case", POSTS, ids=lambda case: case.name)
def test_a_post_without_the_csrf_token_is_refused_even_for_the_right_role(client, app, login, case):
    world = build_world(**case.world, two_plans=True)
    login(world.user(sorted(case.allowed)[0]))
    path = case.path(world)  # may set up the row the route acts on
    before = snapshot()
    response = client.post(path, data=case.data(world))
    assert response.status_code == 400
    assert snapshot() == before


def test_a_contact_cannot_reach_a_report_through_another_rounds_url(client, app, login):
    world = build_world()
    login(world.lead_contact)
    before = snapshot()
    assert client.get("/rapportering/finnes-ikke/tiltak/7").status_code == 404
    assert client.get("/rapportering/status-2026/tiltak/999").status_code == 404
    token = csrf_token(client)
    crafted = {
        "status": "completed",
        "narrative": "Kapret.",
        "version": "1",
        "save": "Lagre",
        "csrf_token": token,
    }
    assert client.post("/rapportering/finnes-ikke/tiltak/7", data=crafted).status_code == 404
    assert client.post("/rapportering/status-2026/tiltak/8", data=crafted).status_code == 403
    assert snapshot() == before


def test_a_published_round_cannot_be_changed_through_its_old_url(client, app, login):
    world = build_world(round_state=RoundState.PUBLISHED, review_state=ReviewState.APPROVED)
    login(world.lead_contact)
    assert client.get(world.report_url).status_code == 200  # reading their own old report is fine
    before = snapshot()
    response = client.post(
        world.report_url,
        data={
            "status": "not_started",
            "narrative": "Omskriving av historien.",
            "version": "1",
            "save": "Lagre",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 409
    assert snapshot() == before


def test_a_coordinator_cannot_open_a_round_in_a_plan_they_do_not_coordinate(client, app, login):
    world = build_world(round_state=RoundState.PUBLISHED, two_plans=True)
    login(world.coordinator_b)
    before = snapshot()
    response = client.post(
        "/rapportering/runder/ny",
        data={
            "plan": "handlingsplan-rasisme-2024-2027",
            "slug": "kapret-runde",
            "title": "Kapret",
            "as_of": "2027-06-01",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 400
    assert "Velg en av planene du koordinerer." in response.get_data(as_text=True)
    assert snapshot() == before


def test_the_coordinators_round_list_shows_only_their_plans(client, app, login):
    world = build_world(two_plans=True)
    login(world.coordinator_b)
    page = client.get("/rapportering/runder").get_data(as_text=True)
    assert "status-b-2026" in page and "status-2026)" not in page
    login(world.coordinator)
    page = client.get("/rapportering/runder").get_data(as_text=True)
    assert "status-2026" in page and "status-b-2026" not in page


def test_a_contact_reports_in_every_plan_where_their_unit_is_responsible(client, app, login):
    world = build_world(two_plans=True)
    login(world.lead_contact)
    page = client.get("/rapportering/").get_data(as_text=True)
    # Both plans' open rounds, each with the unit's measure 7 of that plan.
    assert 'data-round="status-2026"' in page and 'data-round="status-b-2026"' in page
    assert "Felles tiltak" in page and "Tiltak i plan B" in page
    login(world.co_contact)
    page = client.get("/rapportering/").get_data(as_text=True)
    assert 'data-round="status-2026"' in page and 'data-round="status-b-2026"' not in page
