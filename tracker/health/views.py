"""/healthz for load balancers and monitoring: is the app up, and does its database answer?"""

from flask import Blueprint

from tracker.health.queries import database_answers

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz():
    if database_answers():
        return {"status": "ok", "database": "ok"}, 200
    return {"status": "error", "database": "unavailable"}, 503
