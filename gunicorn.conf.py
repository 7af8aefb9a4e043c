"""gunicorn settings for `make serve`. Every value can be overridden from the environment."""

import multiprocessing
import os

# Behind a reverse proxy on the same machine by default; PORT (or BIND) to change it.
bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
# gunicorn's rule of thumb for sync workers: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# The app writes one JSON line per request itself (tracker/request_log.py); gunicorn's own access
# log would duplicate it in another format. Errors and worker events still go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Forwarded headers are the app's business (TRUSTED_PROXIES → ProxyFix), so there is one
# place that decides whom to believe; gunicorn believes no one.
forwarded_allow_ips = ""


def on_starting(server):
    """Refuse to serve with a SECRET_KEY other than the one the site's other instances use:
    their users would be signed out on every other request (tracker/secret_key_check.py)."""
    from tracker.secret_key_check import refuse_to_start_with_a_second_key

    refuse_to_start_with_a_second_key()


def on_exit(server):
    """A clean stop takes this instance's key out of the count at once."""
    from tracker.secret_key_check import stop_announcing

    stop_announcing()
