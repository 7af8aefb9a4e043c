"""Helpers for the reporting workflow's tests: CSRF tokens from real forms, database snapshots,
and a small world of ministries, measures, reports and people in every role."""

import html
import re
from dataclasses import dataclass

from sqlalchemy import inspect, select
from sqlalchemy.orm import make_transient_to_detached
from werkzeug.security import generate_password_hash

from tests.factories import (
    AreaFactory,
    MeasureFactory,
    PlanFactory,
    ReportFactory,
    RoundFactory,
    UnitFactory,
    UserFactory,
)
from tests.support.kept_rows import KeptRows, keep, put_back, start_writing, tables_holding_rows
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.models import Role
from tracker.reporting.states import ReviewState, RoundState

PASSWORD = "riktig-passord-123"
# Hashed once per run: scrypt costs 0.1 s, and the matrix builds hundreds of users.
PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt")
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token from a form on ``path`` (signed-in pages have the sign-out form), or from
    the sign-in form for someone who is not signed in."""
    for candidate in (path, "/logg-inn"):
        match = CSRF_INPUT.search(client.get(candidate).get_data(as_text=True))
        if match:
            return match.group(1)
    raise AssertionError("no form with a CSRF token found")


def post_form(client, path: str, data: dict, token_from: str = "/"):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, token_from)})


def snapshot() -> dict[str, list[str]]:
    """Every row of every table, as committed (read on a connection of its own)."""
    with db.engine.connect() as connection:
        # Most tables of a test's database are empty: one query finds them.
        holding = set(tables_holding_rows(connection))
        return {
            table.name: sorted(repr(tuple(row)) for row in connection.execute(table.select()))
            if table in holding
            else []
            for table in db.metadata.sorted_tables
        }


def audit_events(event: str) -> list[AuditEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.event == event).order_by(AuditEvent.id)
        )
    )


def fresh(obj):
    """``obj`` as the database holds it now (requests commit in sessions of their own)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def make_user(role: Role, unit=None, **kwargs):
    return UserFactory(role=role, unit=unit, password_hash=PASSWORD_HASH, **kwargs)


@dataclass
class World:
    """A round with a measure owned by LEAD (co-responsible: CO) and one owned by OTHER."""

    reporting_round: object
    lead: object
    co: object
    other: object
    report: object  # on the measure LEAD and CO are responsible for
    other_report: object  # on the measure only OTHER is responsible for
    lead_contact: object
    co_contact: object
    other_contact: object
    coordinator: object
    admin: object
    # With ``two_plans``: plan B, whose round has a report on its own measure 7, led by LEAD
    # alone, and whose coordinator coordinates plan B only.
    plan_b: object = None
    round_b: object = None
    report_b: object = None
    coordinator_b: object = None

    @property
    def report_url(self) -> str:
        return f"/rapportering/{self.reporting_round.slug}/tiltak/{self.report.measure.number}"

    @property
    def report_b_url(self) -> str:
        return f"/rapportering/{self.round_b.slug}/tiltak/{self.report_b.measure.number}"

    def user(self, role_name: str):
        return None if role_name == "anonymous" else getattr(self, role_name)


def build_world(
    review_state=ReviewState.DRAFT, round_state=RoundState.OPEN, deadline=None, two_plans=False
) -> World:
    """The world, committed. Built through the factories by the first test of the process that
    asks for it with these arguments; put back from the rows kept then for the later ones
    (tests/support/kept_rows.py; tests/test_kept_rows.py proves the two equal): under cProfile
    about 0.006 s instead of 0.037 s. A test that wrote rows before gets a world built for it."""
    arguments = (review_state, round_state, deadline, two_plans)
    key = (str(db.engine.url), *arguments)
    if tables_holding_rows(db.session.connection()):
        return _build_world(*arguments)
    if key in _kept_worlds:
        kept, objects = _kept_worlds[key]
        put_back(db.session, kept)
        return World(**_loaded(objects))
    written_from = start_writing(db.session)
    world = _build_world(*arguments)
    objects = {
        name: None if value is None else (type(value), value.id)
        for name, value in vars(world).items()
    }
    _kept_worlds[key] = (keep(db.session, written_from), objects)
    return world


_kept_worlds: dict[tuple, tuple[KeptRows, dict]] = {}


def _loaded(objects: dict) -> dict:
    """The world's objects by their kept (model, id), as a fresh build leaves them after its
    commit: in the session, every attribute expired, read from the database when first used
    (and no query until then, so no transaction is left open)."""
    loaded = {}
    for name, found in objects.items():
        if found is None:
            loaded[name] = None
            continue
        model, primary_key = found
        mapper = inspect(model)
        # One the session still holds (an object of an earlier write with the same id, expired
        # by the commit since) stands for the row as it is.
        instance = db.session.identity_map.get(mapper.identity_key_from_primary_key([primary_key]))
        if instance is None:
            instance = mapper.class_manager.new_instance()
            instance.id = primary_key
            make_transient_to_detached(instance)
            db.session.add(instance)
        loaded[name] = instance
    return loaded


def _build_world(review_state, round_state, deadline, two_plans) -> World:
    lead, co, other = (
        UnitFactory(abbreviation=abbreviation, name=name)
        for abbreviation, name in (
            ("LED", "Ledende departement"),
            ("MED", "Medansvarlig departement"),
            ("ANN", "Annet departement"),
        )
    )
    reporting_round = RoundFactory(
        slug="status-2026",
        title="Status 2026",
        state=round_state,
        **({"deadline": deadline} if deadline else {}),
    )
    measure = MeasureFactory(
        number=7,
        title="Felles tiltak",
        description="Planens tekst om tiltaket.",
        units=[lead, co],
    )
    other_measure = MeasureFactory(number=8, title="Annet tiltak", units=[other])
    world = World(
        reporting_round=reporting_round,
        lead=lead,
        co=co,
        other=other,
        report=ReportFactory(
            round=reporting_round,
            measure=measure,
            review_state=review_state,
            narrative="Opprinnelig tekst.",
        ),
        other_report=ReportFactory(
            round=reporting_round, measure=other_measure, review_state=review_state
        ),
        lead_contact=make_user(Role.CONTACT, lead, email="leder@led.example.no", name="Lea Leder"),
        co_contact=make_user(Role.CONTACT, co, email="med@med.example.no", name="Mats Med"),
        other_contact=make_user(
            Role.CONTACT, other, email="annen@ann.example.no", name="Anne Annen"
        ),
        coordinator=make_user(
            Role.COORDINATOR, email="koordinator@example.no", name="Kari Koordinator"
        ),
        admin=make_user(Role.ADMIN, email="admin@example.no", name="Adam Admin"),
    )
    if two_plans:
        _add_plan_b(world, review_state, round_state)
    db.session.commit()
    return world


def _add_plan_b(world: World, review_state, round_state) -> None:
    plan_b = PlanFactory(slug="plan-b", title="Plan B for kommunen", owner="Bydel Gamle Oslo")
    world.plan_b = plan_b
    world.round_b = RoundFactory(
        plan=plan_b, slug="status-b-2026", title="Status B 2026", state=round_state
    )
    # The same number as plan A's measure: numbers are the plan's own.
    measure_b = MeasureFactory(
        number=7, title="Tiltak i plan B", area=AreaFactory(plan=plan_b), units=[world.lead]
    )
    world.report_b = ReportFactory(
        round=world.round_b, measure=measure_b, review_state=review_state, narrative="Plan B."
    )
    world.coordinator_b = make_user(
        Role.COORDINATOR, email="koordinator@plan-b.example.no", name="Bo B", plans=[plan_b]
    )


def field_error(page: str, field_id: str) -> str:
    """The error message shown next to a form field, as text."""
    match = re.search(rf'id="{field_id}-error">(.*?)</div>', page, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


def textarea_text(page: str) -> str:
    # A browser drops the newline right after <textarea>, as WTForms expects.
    raw = re.search(
        r'<textarea[^>]*name="narrative"[^>]*>(?:\r?\n)?(.*?)</textarea>', page, re.S
    ).group(1)
    return html.unescape(raw)


def post_report(client, world, **fields):
    data = {
        "status": "in_progress",
        "narrative": "Ny tekst.",
        "version": str(fresh(world.report).version),
        "save": "Lagre utkast",
    } | fields
    data["csrf_token"] = csrf_token(client, world.report_url)
    return client.post(world.report_url, data={k: v for k, v in data.items() if v is not None})
