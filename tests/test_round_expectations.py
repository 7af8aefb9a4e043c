"""What contact persons and coordinators expect in a round and did not find: progress, next and
previous measure, withdrawing a submission, «ingen endring» for several measures, who else may
edit, review filters, re-review context, typo corrections; and for everyone: who is signed in,
a site menu on error pages, ministry addresses in any letter case, a favicon, and typed text
that survives an expired session."""

import re

import pytest

from tests.factories import MeasureFactory, ReportFactory
from tests.support.public_helpers import PLAN_ONE
from tests.support.workflow import audit_events, build_world, csrf_token, fresh, snapshot
from tracker.extensions import db
from tracker.reporting.operations import return_report, save_report, submit_report
from tracker.reporting.states import ReviewState, Status


@pytest.fixture
def world(app):
    return build_world()


def add_reports(world, review_states: list[ReviewState]) -> None:
    """One more measure of the other unit for each state, with its report in the world's round
    in that state (numbers from 100), committed: a round too long for one page."""
    area = world.report.measure.area
    for index, review_state in enumerate(review_states):
        ReportFactory(
            round=world.reporting_round,
            measure=MeasureFactory(area=area, number=100 + index, units=[world.other]),
            review_state=review_state,
        )
    db.session.commit()


def post(client, path, data=None, token_from="/"):
    return client.post(path, data=(data or {}) | {"csrf_token": csrf_token(client, token_from)})


def test_contact_sees_progress_and_moves_to_the_next_and_previous_measure(client, world, login):
    third = ReportFactory(
        round=world.reporting_round,
        measure=MeasureFactory(number=9, title="Tredje", units=[world.lead]),
    )
    db.session.commit()
    login(world.lead_contact)
    assert "0 av 2 sendt inn" in client.get("/rapportering/").get_data(as_text=True)
    page = client.get(world.report_url).get_data(as_text=True)
    assert 'rel="next" href="/rapportering/status-2026/tiltak/9"' in page
    assert 'rel="prev"' not in page  # measure 8 belongs to another ministry: not in the list
    last = client.get(f"/rapportering/status-2026/tiltak/{third.measure.number}").get_data(
        as_text=True
    )
    assert 'rel="prev" href="/rapportering/status-2026/tiltak/7"' in last


def test_shared_measure_names_who_else_can_edit_and_who_edited_last(client, world, login):
    login(world.lead_contact)
    page = client.get(world.report_url).get_data(as_text=True)
    assert "Mats Med (MED)" in page.split('id="co-editors"')[1].split("</dd>")[0]
    assert "ikke endret i denne runden" in page
    post(
        client,
        world.report_url,
        {"status": "in_progress", "narrative": "Lea skrev.", "version": "1", "save": "Lagre"},
        world.report_url,
    )
    login(world.co_contact)
    page = client.get(world.report_url).get_data(as_text=True)
    assert "av Lea Leder" in page
    assert "Lea Leder (LED)" in page.split('id="co-editors"')[1].split("</dd>")[0]


def test_narrative_field_carries_the_character_count(client, world, login):
    login(world.lead_contact)
    page = client.get(world.report_url).get_data(as_text=True)
    assert 'data-count-limit="20000"' in page and 'data-count-for="narrative"' in page


def test_contact_withdraws_a_submitted_report_before_review(client, world, login):
    login(world.lead_contact)
    submit_report(world.report, 1, Status.COMPLETED, "Sendt for tidlig.", world.lead_contact)
    db.session.commit()
    page = client.get(world.report_url).get_data(as_text=True)
    assert "Trekk tilbake for å endre" in page
    response = post(client, world.report_url + "/trekk-tilbake", {"version": "2"}, world.report_url)
    assert response.status_code == 302
    report = fresh(world.report)
    assert report.review_state == ReviewState.DRAFT and report.narrative == "Sendt for tidlig."
    assert [event.user_id for event in audit_events("report_withdrawn")] == [world.lead_contact.id]
    # Once the coordinator has approved, there is nothing to withdraw.
    submit_report(report, report.version, Status.COMPLETED, "Igjen.", world.lead_contact)
    report.review_state = ReviewState.APPROVED
    db.session.commit()
    before = snapshot()
    refused = post(client, world.report_url + "/trekk-tilbake", {"version": str(report.version)})
    assert refused.status_code == 302 and snapshot() == before


def test_no_change_since_last_round_for_several_measures_at_once(client, app, login):
    world = build_world()
    second = ReportFactory(
        round=world.reporting_round,
        measure=MeasureFactory(number=9, title="Uendret", units=[world.lead]),
        narrative="Som før.",
    )
    db.session.commit()
    login(world.lead_contact)
    page = client.get("/rapportering/").get_data(as_text=True)
    assert 'name="measures" value="7"' in page and 'name="measures" value="9"' in page
    response = client.post(
        "/rapportering/status-2026/ingen-endring",
        data={"measures": ["7", "9"], "csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302
    assert {fresh(world.report).review_state, fresh(second).review_state} == {ReviewState.SUBMITTED}
    assert fresh(world.report).narrative == "Opprinnelig tekst."  # sent as it stood
    assert len(audit_events("report_submitted")) == 2
    assert "2 av 2 sendt inn" in client.get("/rapportering/").get_data(as_text=True)


def test_no_change_refuses_all_when_one_cannot_be_sent(client, app, login):
    world = build_world()
    empty = ReportFactory(
        round=world.reporting_round,
        measure=MeasureFactory(number=9, title="Tomt", units=[world.lead]),
        narrative="",
    )
    db.session.commit()
    login(world.lead_contact)
    before = snapshot()
    response = client.post(
        "/rapportering/status-2026/ingen-endring",
        data={"measures": ["7", "9"], "csrf_token": csrf_token(client)},
    )
    # The page again, naming the measure and the reason, with the ticks kept.
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and snapshot() == before
    assert "Tiltak 9 har ingen statusbeskrivelse" in page
    assert 'class="ds-error-summary"' in page
    assert re.search(r'value="7" id="unchanged-status-2026-7" checked', page)
    assert fresh(empty).review_state == ReviewState.DRAFT
    nothing = client.post(
        "/rapportering/status-2026/ingen-endring", data={"csrf_token": csrf_token(client)}
    )
    assert nothing.status_code == 400 and snapshot() == before
    assert "Kryss av for minst ett tiltak." in nothing.get_data(as_text=True)


def test_no_change_is_offered_only_for_reports_as_carried_from_the_last_round(client, app, login):
    world = build_world()
    changed = ReportFactory(
        round=world.reporting_round,
        measure=MeasureFactory(number=9, title="Endret", units=[world.lead]),
        narrative="Som før.",
    )
    db.session.flush()
    save_report(changed, 1, changed.status, "Endret siden forrige runde.", world.lead_contact)
    db.session.commit()
    login(world.lead_contact)
    page = client.get("/rapportering/").get_data(as_text=True)
    assert 'name="measures" value="7"' in page
    assert 'name="measures" value="9"' not in page
    before = snapshot()
    refused = client.post(
        "/rapportering/status-2026/ingen-endring",
        data={"measures": ["7", "9"], "csrf_token": csrf_token(client)},
    )
    assert refused.status_code == 409 and snapshot() == before
    assert "Tiltak 9 er endret siden forrige runde" in refused.get_data(as_text=True)
    assert fresh(changed).review_state == ReviewState.DRAFT


def test_coordinator_filters_the_overview_by_review_state(client, world, login):
    submit_report(world.report, 1, Status.COMPLETED, "Til gjennomgang.", world.lead_contact)
    db.session.commit()
    login(world.coordinator)
    page = client.get("/rapportering/status-2026/oversikt?rapport=submitted").get_data(as_text=True)
    table = page.split('id="all-reports"')[1]
    assert "Felles tiltak" in table and "Annet tiltak" not in table
    everything = client.get("/rapportering/status-2026/oversikt?rapport=tull").get_data(
        as_text=True
    )
    table = everything.split('id="all-reports"')[1]
    assert "Felles tiltak" in table and "Annet tiltak" in table


def test_a_long_rounds_overview_shows_its_reports_a_page_at_a_time_and_counts_them_all(
    client, world, login
):
    login(world.coordinator)
    short = client.get("/rapportering/status-2026/oversikt").get_data(as_text=True)
    assert "Side 1 av" not in short  # a round of a few reports (or 50) stays on one page
    add_reports(world, [ReviewState.SUBMITTED] * 120 + [ReviewState.DRAFT] * 28)

    def rows(page: str) -> list[int]:
        table = page.split('id="all-reports"')[1].split("</table>")[0]
        return [int(number) for number in re.findall(r'<tr data-measure="(\d+)"', table)]

    first = client.get("/rapportering/status-2026/oversikt").get_data(as_text=True)
    assert rows(first) == [7, 8, *range(100, 198)]
    assert "Side 1 av 2" in first and "Forrige side" not in first
    # The counts are the whole round's, not the page's.
    assert ">Sendt inn (120)</option>" in first and ">Ikke påbegynt (30)</option>" in first
    assert "Vis bare dem som venter på gjennomgang (120)" in first
    second = client.get("/rapportering/status-2026/oversikt?side=2").get_data(as_text=True)
    assert rows(second) == list(range(198, 248)) and "Side 2 av 2" in second

    waiting = client.get("/rapportering/status-2026/oversikt?rapport=submitted")
    page = waiting.get_data(as_text=True)
    assert rows(page) == list(range(100, 200)) and "Side 1 av 2" in page
    [following] = re.findall(r'<a class="ds-link" rel="next" href="([^"]+)"', page)
    assert "rapport=submitted" in following and "side=2" in following
    rest = client.get(following.replace("&amp;", "&")).get_data(as_text=True)
    assert rows(rest) == list(range(200, 220))
    # A page that is not there shows the first.
    assert rows(client.get("/rapportering/status-2026/oversikt?side=9").get_data(as_text=True))[
        :2
    ] == [7, 8]


def test_re_review_shows_the_earlier_comment_and_what_changed_since(client, world, login):
    submit_report(world.report, 1, Status.IN_PROGRESS, "Første utkast.", world.lead_contact)
    return_report(world.report, "Skriv hvor mange kommuner.", world.coordinator)
    report = fresh(world.report)
    submit_report(
        report, report.version, Status.IN_PROGRESS, "Første utkast. 12 kommuner.", world.co_contact
    )
    db.session.commit()
    login(world.coordinator)
    page = client.get(world.report_url).get_data(as_text=True)
    earlier = page.split('id="earlier-return"')[1].split("</div>\n")[0]
    assert "Skriv hvor mange kommuner." in earlier
    assert "12 kommuner." in earlier.split("<ins>")[1]


def test_coordinator_corrects_a_typo_without_returning_and_the_ministry_sees_it(
    client, world, login
):
    submit_report(world.report, 1, Status.COMPLETED, "Tiltaket er gjennomfrt.", world.lead_contact)
    db.session.commit()
    login(world.coordinator)
    response = post(
        client,
        world.report_url + "/rett",
        {"status": "completed", "narrative": "Tiltaket er gjennomført.", "version": "2"},
    )
    assert response.status_code == 302
    report = fresh(world.report)
    assert report.narrative == "Tiltaket er gjennomført."
    assert report.review_state == ReviewState.SUBMITTED  # not returned
    [event] = audit_events("report_corrected")
    assert event.user_id == world.coordinator.id
    stale = post(
        client,
        world.report_url + "/rett",
        {"status": "completed", "narrative": "Gammel versjon.", "version": "2"},
    )
    assert stale.status_code == 409 and fresh(world.report).narrative == report.narrative
    login(world.lead_contact)
    history = client.get(world.report_url + "/historikk").get_data(as_text=True)
    assert "Rettet av koordinatoren" in history and "Kari Koordinator" in history


def test_signed_in_person_is_named_in_the_menu(client, world, login):
    login(world.lead_contact)
    page = client.get("/rapportering/").get_data(as_text=True)
    assert "Logget inn som Lea Leder (LED)" in page


def test_error_pages_keep_the_site_menu(client, world, login):
    login(world.other_contact)
    # Outside any plan the menu leads to the front page and the plans; a page of a plan's round
    # leads to that plan's pages too.
    for path, code, in_plan in (("/finnes-ikke", 404, False), (world.report_url, 403, True)):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == code
        assert 'href="/planer/"' in page
        assert (f'href="{PLAN_ONE}/tiltak"' in page) == in_plan
        assert (f'href="{PLAN_ONE}/om-dataene"' in page) == in_plan
        assert "Logget inn som Anne Annen" in page


def test_ministry_address_works_in_any_letter_case(client, world):
    response = client.get(PLAN_ONE + "/enheter/led")
    assert response.status_code == 301 and response.location.endswith(PLAN_ONE + "/enheter/LED")
    assert client.get(PLAN_ONE + "/enheter/Led").status_code == 301
    assert client.get(PLAN_ONE + "/enheter/xyz").status_code == 301
    assert client.get(PLAN_ONE + "/enheter/XYZ").status_code == 404


def test_pages_name_a_favicon_that_is_served(client, world):
    page = client.get("/logg-inn").get_data(as_text=True)
    href = page.split('<link rel="icon" href="')[1].split('"')[0]
    icon = client.get(href)
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"


def test_a_save_after_the_session_expired_leads_to_sign_in_and_back(client, world):
    """The session is gone (no cookie): the save is refused without a 400 page, sign-in leads
    back to the form, and nothing was changed. The typed text is put back by forms.js (the
    browser test shows that part)."""
    before = snapshot()
    response = client.post(
        world.report_url,
        data={"status": "completed", "narrative": "Skrevet lenge.", "version": "1", "save": "L"},
    )
    assert response.status_code == 302
    assert response.location == "/logg-inn?next=/rapportering/status-2026/tiltak/7"
    assert snapshot() == before
    page = client.get(response.location).get_data(as_text=True)
    assert "Økten din er utløpt" in page


def test_the_publish_page_lists_a_long_rounds_unapproved_reports_a_page_at_a_time(
    client, world, login
):
    add_reports(world, [ReviewState.APPROVED] * 20 + [ReviewState.DRAFT] * 128)
    login(world.coordinator)

    def gaps(page: str) -> list[int]:
        table = page.split('id="publish-gaps"')[1].split("</table>")[0]
        return [int(number) for number in re.findall(r'<tr data-measure="(\d+)"', table)]

    first = client.get("/rapportering/status-2026/publiser").get_data(as_text=True)
    assert "130 tiltak har ingen godkjent rapport" in first and "Side 1 av 2" in first
    assert gaps(first) == [7, 8, *range(120, 218)]
    second = client.get("/rapportering/status-2026/publiser?side=2").get_data(as_text=True)
    assert gaps(second) == list(range(218, 248))
