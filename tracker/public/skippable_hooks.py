"""Which of Flask's hooks a replayed public page may skip: declared here, once, with the reason.

A replay (tracker/public/replay.py) answers a recorded page without entering Flask, so none of
its url_value_preprocessor, before_request or after_request hooks runs. That is right only for
a hook whose effect on an anonymous GET of the same key is already in the recording, or is
nothing at all; each one named below says why. A hook that is not named here (a maintenance
switch added as a plain before_request hook, say) turns replay off for every page it applies to:
Flask handles those requests in full, correct but slower, until the hook is declared here or
becomes a request guard. A check that may refuse a request belongs in tracker/request_guards.py,
whose guards a replay runs too. tests/test_page_cache_replay.py checks the declaration against
the app's hooks.
"""

from collections.abc import Callable, Iterator

from flask import Flask

SKIPPABLE = {
    # before_request
    "tracker.request_guards.run_guards": "a replay runs the same guards itself",
    "tracker.request_deadline.refuse_if_too_late": (
        "protects work and commits from a proxy that gave up; a replay reads and writes nothing "
        "and answers in microseconds"
    ),
    "tracker.secret_key_check._beat_now_and_then": (
        "a heartbeat of this instance's key fingerprint; the next request Flask handles beats"
    ),
    "flask_wtf.csrf.CSRFProtect.init_app.<locals>.csrf_protect": (
        "checks POST, PUT, PATCH and DELETE only; a replay answers GET and HEAD"
    ),
    "flask_babel.refresh": (
        "forgets the previous request's locale; the locale comes from the query string, which "
        "is in the key"
    ),
    "tracker.auth.views.require_new_password": (  # nosec B105 - a hook's name, no password
        "acts on a signed-in person only; a request with a session or remember-me cookie is "
        "never replayed"
    ),
    # after_request
    "flask_login.login_manager.LoginManager._update_remember_cookie": (
        "sets or clears the remember-me cookie; a response with Set-Cookie is never recorded"
    ),
    "tracker.request_log.note_user": "names the signed-in person for the log line: none here",
    "tracker.security.add_security_headers": (
        "the same headers for the same scheme, which is in the key: they are in the recording"
    ),
    "tracker.security.keep_session_alive_while_active": "acts on a non-empty session only",
    "tracker.security.forbid_storing_signed_in_pages": "acts for a signed-in person only",
}


def hook_name(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


class HookCheck:
    """Answers, for a page's blueprints, whether every hook Flask runs for it is declared
    skippable. Asked whenever a page is recorded, so each function's verdict is remembered."""

    def __init__(self, app: Flask):
        self.app = app
        self._verdicts: dict[Callable, bool] = {}

    def all_skippable(self, blueprints: tuple[str, ...]) -> bool:
        verdicts = self._verdicts
        for function in self.hooks(blueprints):
            verdict = verdicts.get(function)
            if verdict is None:
                verdict = verdicts[function] = hook_name(function) in SKIPPABLE
            if not verdict:
                return False
        return True

    def undeclared(self, blueprints: tuple[str, ...]) -> list[str]:
        return [hook_name(f) for f in self.hooks(blueprints) if hook_name(f) not in SKIPPABLE]

    def hooks(self, blueprints: tuple[str, ...]) -> Iterator[Callable]:
        """The hooks Flask's own pass runs for a request to these blueprints (Flask reads them
        the same way: the app's, then each blueprint's)."""
        app = self.app
        for registry in (
            app.url_value_preprocessors,
            app.before_request_funcs,
            app.after_request_funcs,
        ):
            for name in (None, *blueprints):
                yield from registry.get(name, ())
