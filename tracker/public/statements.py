"""What a public body must publish about the site itself: the privacy statement (/personvern).
The accessibility statement lives in uustatus.no; every page's footer links it
(ACCESSIBILITY_STATEMENT_URL, templates/base.html)."""

from flask import Blueprint, current_app, render_template

from tracker.public.page_cache import public_page

blueprint = Blueprint("statements", __name__)


@blueprint.get("/personvern")
@public_page
def privacy():
    config = current_app.config
    contact = config["PRIVACY_CONTACT"]
    return render_template(
        "public/privacy.html",
        owner=config["PRIVACY_OWNER"] or config["REPORT_DEPARTMENT"],
        contact=contact,
        contact_is_mail=bool(contact) and not contact.startswith(("https://", "http://")),
        address_days=config["RETENTION_ADDRESS_DAYS"],
        audit_months=config["RETENTION_AUDIT_MONTHS"],
        session_minutes=int(config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 60),
    )
