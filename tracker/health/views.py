"""/healthz for load balancers and monitoring: can this instance serve? (health/checks.py)"""

from flask import Blueprint

from tracker.health.checks import health

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    status, body = health()
    return body, status
