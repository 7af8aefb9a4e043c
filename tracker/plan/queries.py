from tracker.extensions import db
from tracker.plan.models import Plan


def current_plan() -> Plan | None:
    return db.session.get(Plan, 1)
