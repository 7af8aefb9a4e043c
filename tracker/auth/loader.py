from flask_babel import lazy_gettext

from tracker.auth.models import User
from tracker.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Logg inn for å se denne siden.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session belongs to, if that session has not been ended since.

    The id is "user id:session generation" (User.get_id). A bare user id, from a cookie issued
    before generations existed, counts as generation 0, so it dies with the first revocation.
    """
    user_id, _colon, generation = session_id.partition(":")
    generation = generation or "0"
    if not (
        user_id.isascii() and user_id.isdigit() and generation.isascii() and generation.isdigit()
    ):
        return None
    if len(user_id) > 18:  # beyond any id the database can hold (PostgreSQL would refuse it)
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user
