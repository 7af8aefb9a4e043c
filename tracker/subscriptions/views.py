"""The public's subscription pages: ask (/planer/<slug>/abonnement), confirm and end (the links
in the mail). No account and no cookie: the token in the link is the authority, so these forms
carry no CSRF token (a forged request can do nothing the link's holder could not)."""

from flask import Blueprint, make_response, render_template, request
from flask_babel import lazy_gettext as _l

from tracker.extensions import csrf
from tracker.languages import locale_code
from tracker.measures.queries import all_areas
from tracker.ministries.queries import units_with_measures
from tracker.plan.context import load_plan, use_plan
from tracker.plan.models import Plan
from tracker.public.queries import public_measure
from tracker.subscriptions.operations import (
    Scope,
    SubscriptionError,
    checked_address,
    confirm,
    request_subscription,
    subscription_by_token,
    unsubscribe,
)
from tracker.unit_of_work import on_page, unit_of_work

blueprint = Blueprint("subscriptions", __name__)
csrf.exempt(blueprint)

# A page that holds the token must not pass it on in a Referer.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


def scope_choices(plan: Plan, measure_number: str | None) -> list[Scope]:
    choices = [Scope("plan", _l("hele planen «%(title)s»", title=plan.title))]
    if measure_number and measure_number.isdigit() and len(measure_number) < 10:
        measure = public_measure(plan, int(measure_number))
        if measure is not None:
            choices.insert(
                0,
                Scope(
                    f"measure:{measure.number}",
                    _l("tiltak %(number)d: %(title)s", number=measure.number, title=measure.title),
                ),
            )
    choices += [
        Scope(f"area:{area.key}", _l("hovedområdet %(name)s", name=area.name))
        for area in all_areas(plan)
    ]
    choices += [
        Scope(f"unit:{unit.abbreviation}", _l("tiltakene til %(name)s", name=unit.name))
        for unit in units_with_measures(plan)
    ]
    return choices


@blueprint.route("/planer/<plan_slug>/abonnement", methods=["GET", "POST"])
def subscribe(plan_slug: str):
    plan = load_plan(plan_slug)
    chosen_measure = request.values.get("omfang", "").removeprefix("measure:")
    choices = scope_choices(plan, request.values.get("tiltak") or chosen_measure)
    chosen_key = request.values.get("omfang") or (
        f"unit:{request.args['enhet']}" if request.args.get("enhet") else choices[0].key
    )

    def page(error=None, status=200):
        return make_response(
            render_template(
                "subscriptions/subscribe.html",
                plan=plan,
                choices=choices,
                chosen=chosen_key,
                email=request.form.get("email", ""),
                error=error,
            ),
            status,
        )

    if request.method == "GET":
        return page()
    scope = next((choice for choice in choices if choice.key == chosen_key), None)
    if scope is None:
        return page(SubscriptionError(_l("Velg hva du vil få e-post om."), field="omfang"), 400)
    with unit_of_work(on_page(lambda error: page(error, error.status).get_data(as_text=True))):
        request_subscription(
            checked_address(request.form.get("email", "")), plan, scope, locale_code()
        )
    return render_template("subscriptions/sent.html", plan=plan, scope=scope)


@blueprint.route("/abonnement/bekreft/<token>", methods=["GET", "POST"])
def confirm_link(token: str):
    subscription = subscription_by_token(token)
    if subscription is None:
        return render_template("subscriptions/gone.html"), 404, NO_REFERRER
    use_plan(subscription.plan)
    if request.method == "POST":
        with unit_of_work():
            confirm(subscription)
        return render_template("subscriptions/confirmed.html", token=token), NO_REFERRER
    return render_template("subscriptions/confirm.html", token=token), NO_REFERRER


@blueprint.route("/abonnement/avslutt/<token>", methods=["GET", "POST"])
def unsubscribe_link(token: str):
    """GET asks (a mail scanner following links ends nothing); POST ends it, from the page or
    straight from the mail program (List-Unsubscribe-Post: List-Unsubscribe=One-Click)."""
    subscription = subscription_by_token(token)
    if request.method == "POST":
        if subscription is not None:
            with unit_of_work():
                unsubscribe(subscription)
        return render_template("subscriptions/ended.html"), NO_REFERRER
    if subscription is None:
        return render_template("subscriptions/gone.html"), 404, NO_REFERRER
    use_plan(subscription.plan)
    return render_template("subscriptions/unsubscribe.html", token=token), NO_REFERRER
