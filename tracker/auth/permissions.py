"""Who may do what. Role gates are decorators; rules about one object are functions that the
view's loader and the template both call, so a hidden button is never the only guard."""

from functools import wraps

from flask import abort
from flask_login import current_user

from tracker.auth.models import Role
from tracker.extensions import login_manager
from tracker.sso.client import password_login_allowed


def role_required(*roles: Role):
    """Let signed-in users with one of ``roles`` through; send others to sign-in, or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def password_sign_in_allowed_for(user) -> bool:
    """PASSWORD_LOGIN=off leaves passwords only to the accounts an admin marked break-glass."""
    return password_login_allowed() or user.break_glass
