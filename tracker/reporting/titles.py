"""The one rule for a round's title, wherever it comes from (the form, `flask rounds open`, an
imported file): it goes into e-mail subjects, so it is one line and holds no RFC 2047
encoded-word syntax ("=?…?="), which a mail reader decodes into whatever the writer chose, line
breaks and extra headers included."""

from flask_babel import lazy_gettext as _l

from tracker.mail.messages import ENCODED_WORD_START


def round_title_problem(title: str):
    """Why ``title`` cannot name a round, in words for the user; None if it can."""
    if any(char in title for char in "\r\n\x0b\x0c\x85\u2028\u2029"):
        return _l("Tittelen må stå på én linje.")
    if ENCODED_WORD_START in title:
        return _l("Tittelen kan ikke inneholde tegnene «=?».")
    return None
