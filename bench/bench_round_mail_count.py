"""How many messages one person gets in a full round story: run on this branch and on an
older checkout of the code (``--code DIR``) to compare before and after.

    .venv/bin/python bench/bench_round_mail_count.py                 # this checkout
    git archive main | tar -x -C /tmp/main-code
    PYTHONPATH=/tmp/main-code .venv/bin/python bench/bench_round_mail_count.py --label main

The story: the seeded plan; one active contact person per responsible unit, two coordinators
(one on the daily digest, one «straks»). The round opens; the 7-day reminder; the units send
all but a few measures (a quarter of them as «Ingen endring»), one withdraws a report and
sends it again; the next morning's digest; the coordinator reviews in one sitting (returns 5
with a comment, approves the rest that wait), the units send the 5 again and the last ones
come in, the next morning's digest, a second sitting approves them; the round is closed and
published. After each sitting the mail sender's pass runs past the quiet period (where the
code gathers decisions). Counts what the outbox holds per recipient.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

import tracker  # noqa: E402
from tracker import create_app  # noqa: E402
from tracker.auth.models import Role, User  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.mail.models import OutboxMessage, SubmissionMail  # noqa: E402
from tracker.mail.operations import (  # noqa: E402
    queue_due_reminders,
    queue_submission_digests,
    set_submission_choice,
)
from tracker.ministries.queries import units_with_measures  # noqa: E402
from tracker.plan.loader import load_plan  # noqa: E402
from tracker.plan.queries import first_plan  # noqa: E402
from tracker.reporting import operations as workflow  # noqa: E402
from tracker.reporting.models import ReportingRound  # noqa: E402
from tracker.reporting.states import ReviewState, Status  # noqa: E402
from tracker.reporting.workflow_queries import reports_in_round, today  # noqa: E402
from tracker.timeutil import utcnow  # noqa: E402
from tracker.transactions import transaction  # noqa: E402

try:  # only where decisions are gathered (issue 24)
    from tracker.mail.operations import release_review_notices
except ImportError:
    release_review_notices = None

SEED = ROOT / "seed" / "plan_2024_2027.json"
HASH = "scrypt:32768:8:1$bench$" + "0" * 64  # nobody signs in here


def people():
    plan = first_plan()
    for unit in units_with_measures(plan):
        db.session.add(
            User(
                email=f"kontakt@{unit.abbreviation.lower()}.example.no",
                name=f"Kontakt {unit.abbreviation}",
                role=Role.CONTACT,
                unit=unit,
                password_hash=HASH,
                active=True,
            )
        )
    coordinators = [
        User(
            email=f"koordinator-{kind}@example.no",
            name=f"Koordinator {kind}",
            role=Role.COORDINATOR,
            coordinated_plans=[plan],
            password_hash=HASH,
            active=True,
        )
        for kind in ("daglig", "straks")
    ]
    db.session.add_all(coordinators)
    db.session.flush()
    set_submission_choice(coordinators[1], SubmissionMail.IMMEDIATE)
    return coordinators[0]


def contact_of(report):
    return db.session.scalar(
        select(User).where(User.unit_id == report.measure.lead_unit.id, User.role == Role.CONTACT)
    )


def submit(report):
    workflow.submit_report(
        report, report.version, Status.IN_PROGRESS, "Arbeidet pågår.", contact_of(report)
    )


def sitting_over():
    """The mail sender's pass after the quiet period (nothing to do where nothing is gathered)."""
    if release_review_notices is not None:
        with transaction():
            release_review_notices(quiet_before=utcnow() + timedelta(hours=1))


def story(coordinator) -> None:
    deadline = today() + timedelta(days=8)
    with transaction():
        reporting_round = workflow.open_round(
            first_plan(), "status-2026", "Status 2026", date(2026, 6, 1), deadline, coordinator
        )
        reporting_round.opened_at = utcnow() - timedelta(days=2)
    with transaction():
        queue_due_reminders(deadline - timedelta(days=7))
    reports = reports_in_round(reporting_round)
    sent_now, late = reports[:-4], reports[-4:]
    with transaction():
        for index, report in enumerate(sent_now):
            if index % 4 == 0 and report.narrative.strip():
                workflow.confirm_unchanged([report], contact_of(report))
            else:
                submit(report)
        withdrawn = sent_now[1]
        workflow.withdraw_submission(withdrawn, withdrawn.version, contact_of(withdrawn))
        submit(withdrawn)
    with transaction():
        queue_submission_digests(today() + timedelta(days=1))
    with transaction():  # sitting 1
        for report in sent_now[:5]:
            workflow.return_report(report, "Legg til årstall for evalueringen.", coordinator)
        for report in sent_now[5:]:
            workflow.approve_report(report, coordinator)
    sitting_over()
    with transaction():
        for report in sent_now[:5] + late:
            submit(report)
    with transaction():
        queue_submission_digests(today() + timedelta(days=2))
    with transaction():  # sitting 2
        for report in sent_now[:5] + late:
            workflow.approve_report(report, coordinator)
    sitting_over()
    with transaction():
        workflow.close_round(reporting_round, coordinator, before_deadline_confirmed=True)
        workflow.publish_round(reporting_round, coordinator)
    assert all(r.review_state == ReviewState.APPROVED for r in reports_in_round(reporting_round))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", default="this branch")
    args = parser.parse_args()
    url = "sqlite:///" + os.path.join(tempfile.mkdtemp(), "count.sqlite")
    app = create_app(
        {
            "TRACKER_ENV": "development",
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_FROM": "tracker@handlingsplan.example.no",
            "PUBLIC_URL": "https://tracker.example.no",
        }
    )
    with app.app_context():
        upgrade()
        load_plan(db.session, json.loads(SEED.read_text(encoding="utf-8")))
        coordinator = people()
        db.session.commit()
        story(coordinator)
        rows = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.event)).all()
        measures = Counter()
        ours = select(ReportingRound).where(ReportingRound.slug == "status-2026")
        for report in reports_in_round(db.session.scalars(ours).one()):
            for unit in report.measure.units:
                measures[f"kontakt@{unit.abbreviation.lower()}.example.no"] += 1
    per_person = Counter(recipient for recipient, _ in rows)
    contacts = {r: n for r, n in per_person.items() if r.startswith("kontakt@")}
    biggest = max(measures, key=measures.get)
    print(f"## {args.label} (code: {Path(tracker.__file__).parent.parent})")
    print(
        f"contact with most measures ({biggest}, {measures[biggest]} measures): "
        f"{per_person[biggest]}"
    )
    print(
        f"contacts: median {statistics.median(contacts.values())}, max {max(contacts.values())}"
        f", total {sum(contacts.values())} over {len(contacts)} people"
    )
    for who in ("koordinator-daglig@example.no", "koordinator-straks@example.no"):
        print(f"{who}: {per_person[who]}")
    print(f"all messages: {len(rows)}")
    print("by kind:", dict(sorted(Counter(event for _, event in rows).items())))
    print(f"{biggest} by kind:", dict(sorted(Counter(e for r, e in rows if r == biggest).items())))


if __name__ == "__main__":
    main()
