"""A copied session cookie stops working once its user signs out, gets a new password, is
deactivated (and reactivated) or changes role: every session of that user ends, not just the
one that asked. The copy is a second browser holding the same cookie, as a thief would."""

import pytest

from tests.support.workflow import PASSWORD, build_world, csrf_token, fresh
from tracker.account_links.tokens import PASSWORD_RESET, make_token
from tracker.extensions import db

NEW_PASSWORD = "fjord-lakris-trapp-91"


def sign_in_with_form(client, email, password=PASSWORD):
    response = client.post(
        "/logg-inn",
        data={"email": email, "password": password, "csrf_token": csrf_token(client, "/logg-inn")},
    )
    assert response.status_code == 302, response.status_code
    return response


def stolen_copy(app, client):
    """Another browser holding exactly the session cookie ``client`` has now."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def still_signed_in(client) -> bool:
    return client.get("/rapportering/").status_code == 200


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def admin(app, world):
    admin = app.test_client()
    sign_in_with_form(admin, "admin@example.no")
    return admin


def test_signing_out_ends_a_copied_session_too(app, client, world):
    sign_in_with_form(client, "leder@led.example.no")
    thief = stolen_copy(app, client)
    assert still_signed_in(thief)
    client.post("/logg-ut", data={"csrf_token": csrf_token(client)})
    assert not still_signed_in(thief)
    assert not still_signed_in(client)


def test_changing_ones_password_ends_every_other_session_but_not_ones_own(app, client, world):
    sign_in_with_form(client, "leder@led.example.no")
    other_browser = stolen_copy(app, client)
    response = client.post(
        "/konto/passord",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf_token(client, "/konto/passord"),
        },
    )
    assert response.status_code == 302
    assert still_signed_in(client)
    assert not still_signed_in(other_browser)


def test_an_admin_reset_ends_the_users_sessions(app, client, world, admin):
    sign_in_with_form(client, "leder@led.example.no")
    admin.post(
        f"/admin/brukere/{world.lead_contact.id}/nytt-passord",
        data={"csrf_token": csrf_token(admin, "/admin/brukere")},
    )
    assert not still_signed_in(client)


def test_a_reactivated_account_does_not_revive_an_old_cookie(app, client, world, admin):
    sign_in_with_form(client, "leder@led.example.no")
    thief = stolen_copy(app, client)
    user_id = world.lead_contact.id
    token = csrf_token(admin, "/admin/brukere")
    assert (
        admin.post(f"/admin/brukere/{user_id}/deaktiver", data={"csrf_token": token}).status_code
        == 302
    )
    assert (
        admin.post(f"/admin/brukere/{user_id}/aktiver", data={"csrf_token": token}).status_code
        == 302
    )
    assert fresh(world.lead_contact).active is True
    assert not still_signed_in(thief)
    assert not still_signed_in(client)
    sign_in_with_form(client, "leder@led.example.no")
    assert still_signed_in(client)


def test_a_role_change_ends_the_users_sessions(app, client, world, admin):
    sign_in_with_form(client, "koordinator@example.no")
    assert client.get("/rapportering/runder").status_code == 200
    response = admin.post(
        f"/admin/brukere/{world.coordinator.id}",
        data={
            "name": "Koordinator",
            "role": "contact",
            "unit": "LED",
            "csrf_token": csrf_token(admin, f"/admin/brukere/{world.coordinator.id}"),
        },
    )
    assert response.status_code == 302
    after = client.get("/rapportering/runder")
    assert after.status_code == 302 and after.location.startswith("/logg-inn")


def test_a_session_id_that_is_not_a_user_is_refused(app, client, world):
    for forged in ("1:x", "x", ":", "99999999999999999999999:0", f"{world.admin.id}:7"):
        with client.session_transaction() as session:
            session["_user_id"] = forged
        assert client.get("/admin/brukere").status_code == 302, forged
    db.session.rollback()


def test_a_password_chosen_through_a_reset_link_ends_every_session(app, client, world):
    """«Glemt passord?»: whoever kept a copy of the cookie from before the reset is out."""
    sign_in_with_form(client, "leder@led.example.no")
    thief = stolen_copy(app, client)
    assert still_signed_in(thief)
    owner = app.test_client()  # the owner, on another machine, follows the e-mailed link
    path = "/nytt-passord/" + make_token(world.lead_contact, PASSWORD_RESET)
    response = owner.post(
        path,
        data={
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
            "csrf_token": csrf_token(owner, path),
        },
    )
    assert response.status_code == 302 and response.location == "/logg-inn"
    assert not still_signed_in(thief)
    assert not still_signed_in(client)
    sign_in_with_form(owner, "leder@led.example.no", NEW_PASSWORD)
    assert still_signed_in(owner)
