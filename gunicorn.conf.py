"""gunicorn settings for `make serve`, read through the app's own declarations
(tracker/config.py: PORT or BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT, GUNICORN_LOG_LEVEL)."""

import sys

from tracker.config import ConfigurationError, load_config, server_settings

try:
    _server = server_settings()
    # The app's settings too, here in the master: a bad one stops gunicorn with its Norwegian
    # line, before workers that would each fail with a traceback.
    load_config(instance_path="")
except ConfigurationError as error:
    sys.exit(error.message)  # SystemExit passes gunicorn's config loader: the line, exit 1

# Behind a reverse proxy on the same machine by default; PORT (or BIND) to change it.
bind = _server["bind"]
workers = _server["workers"]
timeout = _server["timeout"]
graceful_timeout = 30
# The app writes one JSON line per request itself (tracker/request_log.py); gunicorn's own access
# log would duplicate it in another format. Errors and worker events still go to stderr.
accesslog = None
errorlog = "-"
loglevel = _server["loglevel"]
# Forwarded headers are the app's business (TRUSTED_PROXIES → ProxyFix), so there is one
# place that decides whom to believe; gunicorn believes no one.
forwarded_allow_ips = ""
# gunicorn 25+ opens a control socket (for `gunicornc`) at one path per user: a second
# instance on the machine takes it over from the first, and the site is stopped and reloaded
# through systemd (docs/), not through it.
control_socket_disable = True


def on_starting(server):
    """Refuse to serve with a SECRET_KEY other than the one the site's other instances use:
    their users would be signed out on every other request (tracker/secret_key_check.py)."""
    from tracker.secret_key_check import refuse_to_start_with_a_second_key

    refuse_to_start_with_a_second_key()


def on_exit(server):
    """A clean stop takes this instance's key out of the count at once."""
    from tracker.secret_key_check import stop_announcing

    stop_announcing()
