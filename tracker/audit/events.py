"""What each audit event means, in words an administrator reads, and which ones come in floods."""

from tracker.text import N_

EVENT_LABELS = {
    "login": N_("Innlogging"),
    "login_failed": N_("Mislykket innlogging"),
    "login_throttled": N_("Innlogging avvist (for mange forsøk)"),
    "login_refused_inactive": N_("Innlogging avvist (deaktivert konto)"),
    "password_reset_requested": N_("Glemt passord: lenke bedt om"),
    "audit_events_suppressed": N_("Logging stanset for adressen (for mange hendelser)"),
    "logout": N_("Utlogging"),
    "password_changed": N_("Passord endret av brukeren"),
    "password_set": N_("Nytt passord satt"),
    "password_change_required": N_("Krav om nytt passord"),
    "user_created": N_("Bruker opprettet"),
    "user_updated": N_("Bruker endret"),
    "user_deactivated": N_("Bruker deaktivert"),
    "user_reactivated": N_("Bruker aktivert igjen"),
    "user_erased": N_("Personopplysninger i en deaktivert konto slettet"),
    "round_opened": N_("Runde åpnet"),
    "round_closed": N_("Runde lukket"),
    "round_published": N_("Runde publisert"),
    "report_submitted": N_("Rapport sendt til gjennomgang"),
    "report_returned": N_("Rapport sendt tilbake"),
    "report_approved": N_("Rapport godkjent"),
    "sheet_uploaded": N_("Regneark lastet opp og brukt"),
    "login_refused_password_off": N_("Innlogging avvist (passord er slått av)"),
    "password_set_by_invitation": N_("Passord valgt fra invitasjon"),
    "password_set_by_password_reset": N_("Nytt passord valgt fra lenke (glemt passord)"),
    "user_invited": N_("Bruker invitert"),
    "sso_linked": N_("Konto knyttet til felles innlogging"),
    "sso_unlinked": N_("Konto løst fra felles innlogging"),
    "round_deadline_changed": N_("Frist endret"),
    "round_reopened": N_("Runde åpnet igjen"),
    "round_unpublished": N_("Publisering trukket tilbake"),
    "round_intro_changed": N_("Innledning til rapporten endret"),
    "report_withdrawn": N_("Rapport trukket tilbake fra gjennomgang"),
    "report_corrected": N_("Rapport rettet av koordinatoren"),
    "mail_sent": N_("E-post sendt"),
    "mail_failed": N_("E-post ga opp"),
    "plan_changed": N_("Plan endret"),
}
# Anyone can cause these, as fast as they can send requests. Consecutive ones are shown as one
# row on the log page, whichever of these kinds they are (a flood that alternated kinds made a
# row of each), so a flood cannot push everything else out of sight.
GROUPED_EVENTS = (
    "login_failed",
    "login_throttled",
    "login_refused_inactive",
    "login_refused_password_off",
    "password_reset_requested",
)
# Refusals an anonymous source can repeat without limit (a sign-in refused while it must wait,
# a reset requested beyond its limit): at most BOUNDED_EVENTS_PER_SOURCE_PER_HOUR of these kinds
# per remote address per hour are written, then one SUPPRESSED marker. What the throttles count
# (login, login_failed, a reset that was sent) is never left out; the throttles bound those.
SOURCE_BOUNDED_EVENTS = ("login_throttled", "login_refused_inactive", "password_reset_requested")
BOUNDED_EVENTS_PER_SOURCE_PER_HOUR = 100
SUPPRESSED = "audit_events_suppressed"


def event_label(event: str) -> str:
    """The untranslated label (the template translates it); an event without one shows its name."""
    return EVENT_LABELS.get(event, event)
