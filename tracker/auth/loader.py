from flask_babel import lazy_gettext

from tracker.auth.models import User
from tracker.extensions import db, login_manager

login_manager.login_view = "auth.login"
login_manager.login_message = lazy_gettext("Logg inn for å se denne siden.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
