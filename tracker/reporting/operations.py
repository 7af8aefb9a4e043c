"""Writes of the reporting workflow, as verbs. Each flushes and never commits; every change to
a report appends a ReportRevision, and the events the coordinator answers for go to the audit log.

The permission rules (who) are checked by the views; the state rules (what the round and the
report allow now) are checked here, so no caller can skip them.
"""

import re
from datetime import date
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, func, insert, literal, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from tracker.audit.operations import record_event
from tracker.extensions import db
from tracker.languages import NARRATIVE_LANGUAGES
from tracker.mail import operations as mail
from tracker.measures.models import Measure
from tracker.plan.models import Plan
from tracker.reporting.models import MeasureReport, ReportingRound, ReportRevision
from tracker.reporting.permissions import report_is_editable
from tracker.reporting.queries import (
    get_round,
    latest_public_report_of,
    public_report_count,
)
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.reporting.titles import round_title_problem
from tracker.reporting.workflow_queries import (
    OPENED_VERSION,
    carried_values,
    closes_before_deadline,
    open_round_now,
    today,
    unchanged_problem,
)
from tracker.subscriptions import operations as subscriptions
from tracker.timeutil import utcnow
from tracker.user_errors import UserError

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*\Z")  # \Z: "$" would let a trailing newline in


class ReportingError(UserError):
    """The workflow refuses this change now; ``message`` says why, in words for the user."""

    status = 409  # the state of the round or report refuses it, not the input


class EditConflict(ReportingError):
    """Someone saved the report after this person opened it."""

    def __init__(self):
        super().__init__(_l("Noen andre har lagret denne rapporten etter at du åpnet den."))


class AlreadyStored(ReportingError):
    """The same change, sent again by the same person, is already the latest version: the answer
    to the first try never reached them (a timeout at the proxy, a broken connection)."""

    def __init__(self):
        super().__init__(
            _l(
                "Endringen din var allerede lagret: svaret på forrige forsøk kom ikke fram, "
                "men ingenting gikk tapt. Her er rapporten slik den er lagret."
            )
        )


class NothingChosen(ReportingError):
    """A batch with nothing ticked: the input, not the state of things, is wrong."""

    status = 400


class DeadlineInPast(ReportingError):
    """A deadline that has already passed: the ministries could never meet it."""

    status = 400
    field = "deadline"

    def __init__(self):
        super().__init__(
            _l("Fristen kan ikke være en dato som har passert. Velg i dag eller en senere dato.")
        )


def open_round(
    plan: Plan, slug: str, title: str, as_of: date, deadline: date | None, opened_by
) -> ReportingRound:
    """Open a round of the plan and give every measure in force on ``as_of`` a draft, pre-filled
    with its latest published, approved report from whichever round that was. A measure retired
    by then gets none: there is nothing to report on it."""
    if not SLUG.match(slug or ""):
        raise ReportingError(_l("Kortnavnet kan bare ha små bokstaver a–z, tall og bindestrek."))
    if get_round(slug) is not None:
        # Round slugs are unique in the installation: links name the round alone.
        raise ReportingError(_l("Det finnes allerede en runde med dette kortnavnet."))
    title_problem = round_title_problem(title)
    if title_problem is not None:
        raise ReportingError(title_problem)
    if open_round_now(plan) is not None:
        raise ReportingError(
            _l("En rapporteringsrunde er allerede åpen. Lukk den før du åpner en ny.")
        )
    _check_deadline(deadline)
    reporting_round = ReportingRound(
        plan=plan,
        slug=slug,
        title=title.strip(),
        as_of=as_of,
        deadline=deadline,
        state=RoundState.OPEN,
        # Empty: the last round's introduction describes that round, not this one. The
        # coordinator writes it on the report page; a final report needs it.
        intro="",
    )
    db.session.add(reporting_round)
    db.session.flush()
    count = _insert_drafts(reporting_round, opened_by)
    record_event(
        "round_opened",
        user=opened_by,
        details={"plan": plan.slug, "round": slug, "reports": count},
    )
    mail.notify_round_opened(reporting_round)
    return reporting_round


def _insert_drafts(reporting_round: ReportingRound, opened_by) -> int:
    """The round's drafts and their «opened» revisions in two INSERT … SELECT statements: the
    same rows as a MeasureReport and a ReportRevision entity per measure made, which took
    8–27 s at 100 times today's data. No search row changes: an open round's drafts are not
    public."""
    plan = reporting_round.plan
    report_table = cast(Table, MeasureReport.__table__)
    revision_table = cast(Table, ReportRevision.__table__)
    reports, revisions = report_table.c, revision_table.c
    now = utcnow()
    previous = aliased(MeasureReport, name="previous")

    def report_value(column: str, given):
        return literal(given, reports[column].type)

    def revision_value(column: str, given):
        return literal(given, revisions[column].type)

    drafts = (
        select(
            report_value("round_id", reporting_round.id),
            Measure.id,
            func.coalesce(previous.status, report_value("status", Status.NOT_STARTED)),
            func.coalesce(previous.narrative, report_value("narrative", "")),
            func.coalesce(previous.narrative_se, report_value("narrative_se", "")),
            func.coalesce(
                previous.narrative_language,
                report_value("narrative_language", plan.default_language),
            ),
            report_value("review_state", ReviewState.DRAFT),
            report_value("review_comment", ""),
            report_value("version", OPENED_VERSION),
            report_value("updated_at", now),
        )
        .outerjoin(previous, previous.id == latest_public_report_of(Measure.id))
        # A measure retired by the round's date gets none: there is nothing to report on it.
        .where(
            Measure.plan_id == plan.id,
            or_(Measure.retired_on.is_(None), Measure.retired_on > reporting_round.as_of),
        )
        .order_by(Measure.number)
    )
    draft_columns = [
        "round_id",
        "measure_id",
        "status",
        "narrative",
        "narrative_se",
        "narrative_language",
        "review_state",
        "review_comment",
        "version",
        "updated_at",
    ]
    # The ids back, to count: an INSERT … SELECT reports no row count through psycopg.
    count = len(
        db.session.execute(
            insert(report_table).from_select(draft_columns, drafts).returning(reports.id)
        ).all()
    )
    opened = (
        select(
            reports.id,
            reports.version,
            revision_value("action", "opened"),
            revision_value("author_id", opened_by.id if opened_by else None),
            revision_value("created_at", now),
            reports.status,
            reports.narrative,
            reports.narrative_se,
            reports.narrative_language,
            reports.review_state,
            revision_value("comment", ""),
        )
        .where(reports.round_id == reporting_round.id)
        .order_by(reports.id)
    )
    revision_columns = [
        "report_id",
        "version",
        "action",
        "author_id",
        "created_at",
        "new_status",
        "new_narrative",
        "new_narrative_se",
        "narrative_language",
        "new_review_state",
        "comment",
    ]
    db.session.execute(insert(revision_table).from_select(revision_columns, opened))
    # The ORM did not see the drafts come: the round's collection is read afresh when asked.
    db.session.expire(reporting_round, ["reports"])
    return count


def add_draft(reporting_round: ReportingRound, measure, author) -> MeasureReport:
    """A draft in an open round for a measure added to the plan while the round is open, as
    opening the round would have given it."""
    report = MeasureReport(
        round=reporting_round,
        measure=measure,
        status=Status.NOT_STARTED,
        narrative="",
        narrative_language=reporting_round.plan.default_language,
        review_state=ReviewState.DRAFT,
    )
    db.session.add(report)
    db.session.flush()
    _append_revision(report, "opened", author, old=None)
    db.session.flush()
    return report


def change_deadline(reporting_round: ReportingRound, deadline: date | None, changed_by) -> None:
    """Move an open round's deadline (or remove it); the ministries see the new date at once."""
    if reporting_round.state != RoundState.OPEN:
        raise ReportingError(_l("Fristen kan bare endres mens runden er åpen."))
    _check_deadline(deadline)
    old = reporting_round.deadline
    if old == deadline:
        return
    reporting_round.deadline = deadline
    db.session.flush()
    record_event(
        "round_deadline_changed",
        user=changed_by,
        details={
            "round": reporting_round.slug,
            "from": old.isoformat() if old else None,
            "to": deadline.isoformat() if deadline else None,
        },
    )


def _check_deadline(deadline: date | None) -> None:
    if deadline is not None and deadline < today():
        raise DeadlineInPast()


def save_report(
    report: MeasureReport,
    expected_version: int,
    status: Status,
    narrative: str,
    author,
    narrative_language: str | None = None,
    narrative_se: str | None = None,
) -> bool:
    """Save a draft. Returns False when nothing changed (no new version is made).

    ``narrative_language`` is "nb" or "nn"; None keeps the report's current language.
    ``narrative_se`` is the optional Northern Sámi text; None keeps the report's.
    """
    _check_not_repeated(report, expected_version, author, "saved", status, narrative)
    _check_editable(report, expected_version)
    language = _narrative_language(report, narrative_language)
    sami = report.narrative_se if narrative_se is None else narrative_se.strip()
    if (
        report.status == status
        and report.narrative == narrative
        and report.narrative_language == language
        and report.narrative_se == sami
    ):
        return False
    _change(
        report,
        author,
        "saved",
        status=status,
        narrative=narrative,
        narrative_language=language,
        narrative_se=sami,
    )
    return True


def submit_report(
    report: MeasureReport,
    expected_version: int,
    status: Status,
    narrative: str,
    author,
    narrative_language: str | None = None,
    narrative_se: str | None = None,
) -> None:
    """Save and send for review in one step."""
    _check_not_repeated(report, expected_version, author, "submitted", status, narrative)
    _check_editable(report, expected_version)
    language = _narrative_language(report, narrative_language)
    if not narrative.strip():
        raise ReportingError(_l("Skriv en statusbeskrivelse før du sender til gjennomgang."))
    _change(
        report,
        author,
        "submitted",
        status=status,
        narrative=narrative,
        narrative_language=language,
        narrative_se=report.narrative_se if narrative_se is None else narrative_se.strip(),
        review_state=ReviewState.SUBMITTED,
    )
    record_event("report_submitted", user=author, details=_event_details(report))
    mail.notify_report_submitted(report)


def return_report(report: MeasureReport, comment: str, reviewer) -> None:
    """Send a report back to the unit with a comment they will see."""
    if report.round.state != RoundState.OPEN:
        raise ReportingError(_l("Runden er lukket, så rapporten kan ikke sendes tilbake."))
    if report.review_state not in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        raise ReportingError(_l("Bare innsendte eller godkjente rapporter kan sendes tilbake."))
    if not comment.strip():
        raise ReportingError(_l("Skriv hva departementet skal rette."))
    revision = _change(
        report,
        reviewer,
        "returned",
        review_state=ReviewState.RETURNED,
        review_comment=comment.strip(),
    )
    record_event("report_returned", user=reviewer, details=_event_details(report))
    mail.gather_review_decision(report, revision)


def approve_report(report: MeasureReport, reviewer) -> None:
    _check_approvable(report)
    revision = _change(
        report, reviewer, "approved", review_state=ReviewState.APPROVED, review_comment=""
    )
    record_event("report_approved", user=reviewer, details=_event_details(report))
    mail.gather_review_decision(report, revision)


def _check_approvable(report: MeasureReport) -> None:
    if report.round.state == RoundState.PUBLISHED:
        raise ReportingError(_l("Runden er publisert og kan ikke endres."))
    if report.review_state != ReviewState.SUBMITTED:
        raise ReportingError(_l("Bare rapporter som er sendt til gjennomgang, kan godkjennes."))


def approve_reports(reports: list[MeasureReport], reviewer) -> int:
    """Approve several reports from the overview. Refuses all of them, naming the measure and
    the reason, if any one cannot be approved, so nothing is half done."""
    if not reports:
        raise NothingChosen(_l("Kryss av for minst én rapport du vil godkjenne."))
    for report in reports:
        try:
            _check_approvable(report)
        except ReportingError as refusal:
            raise ReportingError(
                _l(
                    "Tiltak %(number)d: %(reason)s Ingen av rapportene er godkjent.",
                    number=report.measure.number,
                    reason=refusal.message,
                )
            ) from None
    for report in reports:
        approve_report(report, reviewer)
    return len(reports)


def close_round(
    reporting_round: ReportingRound, closed_by, before_deadline_confirmed: bool = False
) -> None:
    """Lock editing: units can no longer save or submit. Before the deadline only when
    the coordinator has confirmed it, since units may still be writing."""
    if reporting_round.state != RoundState.OPEN:
        raise ReportingError(_l("Bare en åpen runde kan lukkes."))
    if closes_before_deadline(reporting_round) and not before_deadline_confirmed:
        raise ReportingError(
            _l(
                "Fristen er ikke passert. Kryss av for at du vil lukke runden før fristen, "
                "så departementene ikke lenger kan rapportere."
            )
        )
    reporting_round.state = RoundState.CLOSED
    reporting_round.closed_at = utcnow()
    db.session.flush()
    record_event("round_closed", user=closed_by, details={"round": reporting_round.slug})
    mail.notify_round_closed(reporting_round)


def publish_round(reporting_round: ReportingRound, published_by) -> None:
    """Make the round's approved reports the public status, all at once (one commit)."""
    if reporting_round.state != RoundState.CLOSED:
        raise ReportingError(_l("Runden må lukkes før den publiseres."))
    reporting_round.state = RoundState.PUBLISHED
    reporting_round.published_at = utcnow()
    db.session.flush()
    approved = public_report_count(reporting_round)  # a count, not 5,000 entities at 100x
    record_event(
        "round_published",
        user=published_by,
        details={"round": reporting_round.slug, "approved_reports": approved},
    )
    mail.notify_round_published(reporting_round)
    subscriptions.notify_round_published(reporting_round)


def _narrative_language(report: MeasureReport, chosen: str | None) -> str:
    if chosen is None:
        return report.narrative_language
    if chosen not in NARRATIVE_LANGUAGES:
        raise ReportingError(_l("Velg bokmål eller nynorsk som språk for statusbeskrivelsen."))
    return chosen


def reopen_round(reporting_round: ReportingRound, reopened_by) -> None:
    """Let the units edit a closed, unpublished round again (e.g. closed by mistake)."""
    if reporting_round.state != RoundState.CLOSED:
        raise ReportingError(_l("Bare en lukket runde som ikke er publisert, kan åpnes igjen."))
    if open_round_now(reporting_round.plan) is not None:
        raise ReportingError(
            _l("En annen rapporteringsrunde er åpen. Lukk den før du åpner denne igjen.")
        )
    reporting_round.state = RoundState.OPEN
    reporting_round.closed_at = None
    db.session.flush()
    record_event("round_reopened", user=reopened_by, details={"round": reporting_round.slug})
    mail.notify_round_reopened(reporting_round)


def withdraw_publication(reporting_round: ReportingRound, withdrawn_by) -> None:
    """Take a published round off the public pages: the public sees the previous published
    state again. The round stays closed, with its reports, and can be published again."""
    if reporting_round.state != RoundState.PUBLISHED:
        raise ReportingError(_l("Bare en publisert runde kan trekkes tilbake."))
    published_at = reporting_round.published_at
    reporting_round.state = RoundState.CLOSED
    reporting_round.published_at = None
    db.session.flush()
    record_event(
        "round_unpublished",
        user=withdrawn_by,
        details={
            "round": reporting_round.slug,
            "published_at": published_at.isoformat() if published_at else None,
        },
    )
    mail.notify_publication_withdrawn(reporting_round)
    subscriptions.notify_publication_withdrawn(reporting_round, published_at)


def withdraw_submission(report: MeasureReport, expected_version: int, author) -> None:
    """Take a submitted report back to draft before the coordinator has reviewed it."""
    if report.round.state != RoundState.OPEN:
        raise ReportingError(_l("Runden er lukket. Rapporten kan ikke trekkes tilbake."))
    if report.review_state != ReviewState.SUBMITTED:
        raise ReportingError(_l("Bare en rapport som venter på gjennomgang, kan trekkes tilbake."))
    if expected_version != report.version:
        raise EditConflict()
    _change(report, author, "withdrawn", review_state=ReviewState.DRAFT)
    record_event("report_withdrawn", user=author, details=_event_details(report))


def confirm_unchanged(reports: list[MeasureReport], author) -> int:
    """Send several pre-filled reports for review as they stand («ingen endring siden forrige
    runde»): only those whose text and status are still the ones carried from the last round.
    Refuses all of them, naming the measure and the reason, if any one cannot be sent, so
    nothing is half done."""
    carried = carried_values(reports)
    for report in reports:
        problem = unchanged_problem(report, carried)
        if problem is not None:
            raise ReportingError(
                _l(
                    "Tiltak %(number)d %(reason)s Ingen av de avkryssede er sendt.",
                    number=report.measure.number,
                    reason=_l(problem),
                )
            )
    for report in reports:
        _change(report, author, "confirmed", review_state=ReviewState.SUBMITTED)
        record_event("report_submitted", user=author, details=_event_details(report))
        mail.notify_report_submitted(report)
    return len(reports)


def correct_report(
    report: MeasureReport, expected_version: int, status: Status, narrative: str, reviewer
) -> bool:
    """The coordinator fixes a typo in a submitted or approved report without sending it back.
    The unit sees the correction in the history; the audit log keeps it."""
    if report.round.state == RoundState.PUBLISHED:
        raise ReportingError(_l("Runden er publisert og kan ikke endres."))
    if report.review_state not in (ReviewState.SUBMITTED, ReviewState.APPROVED):
        raise ReportingError(_l("Bare innsendte eller godkjente rapporter kan rettes."))
    if expected_version != report.version:
        raise EditConflict()
    if report.status == status and report.narrative == narrative:
        return False
    old_status, old_narrative = report.status, report.narrative
    _change(report, reviewer, "corrected", status=status, narrative=narrative)
    record_event("report_corrected", user=reviewer, details=_event_details(report))
    mail.notify_report_corrected(report, old_status, old_narrative, reviewer)
    return True


def _check_not_repeated(
    report: MeasureReport, expected_version: int, author, action: str, status, narrative: str
) -> None:
    """Raise AlreadyStored when this request repeats the author's own latest change: sent again
    after an answer that never came, it is not someone else's conflicting save."""
    if report.version != expected_version + 1:
        return
    latest = db.session.scalar(
        select(ReportRevision).where(
            ReportRevision.report_id == report.id, ReportRevision.version == report.version
        )
    )
    if (
        latest is not None
        and latest.author_id == author.id
        and latest.action == action
        and (latest.new_status, latest.new_narrative) == (status, narrative)
    ):
        raise AlreadyStored()


def _check_editable(report: MeasureReport, expected_version: int) -> None:
    if report.round.state != RoundState.OPEN:
        raise ReportingError(_l("Runden er lukket. Endringer kan ikke lagres lenger."))
    if not report_is_editable(report):
        raise ReportingError(_l("Rapporten er sendt til gjennomgang og kan ikke endres nå."))
    if expected_version != report.version:
        raise EditConflict()


def _change(report: MeasureReport, author, action: str, **changes) -> ReportRevision:
    old = (report.status, report.narrative, report.review_state)
    # Read everything before changing anything: a lazy load would autoflush a half-made change
    # and spend a version on it.
    author_id = author.id
    with db.session.no_autoflush:
        for name, value in changes.items():
            setattr(report, name, value)
        report.updated_at = utcnow()
        report.updated_by_id = author_id
    try:
        db.session.flush()  # the version column makes a concurrent save fail here
    except StaleDataError as error:
        raise EditConflict() from error
    revision = _append_revision(
        report, action, author, old=old, comment=changes.get("review_comment", "")
    )
    db.session.flush()
    return revision


def _append_revision(
    report: MeasureReport, action: str, author, old, comment: str = ""
) -> ReportRevision:
    old_status, old_narrative, old_review_state = old or (None, None, None)
    revision = ReportRevision(
        report_id=report.id,
        version=report.version,
        action=action,
        author_id=author.id if author else None,
        old_status=old_status,
        new_status=report.status,
        old_narrative=old_narrative,
        new_narrative=report.narrative,
        new_narrative_se=report.narrative_se or "",
        narrative_language=report.narrative_language,
        old_review_state=old_review_state,
        new_review_state=report.review_state,
        comment=comment,
    )
    db.session.add(revision)
    return revision


def _event_details(report: MeasureReport) -> dict:
    return {"round": report.round.slug, "measure": report.measure.number, "version": report.version}
