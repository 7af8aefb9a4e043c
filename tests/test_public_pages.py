"""What a reader sees on the public pages, in Norwegian and in English."""

import re
from datetime import date

from tests.factories import MeasureFactory, ReportFactory, RoundFactory
from tests.support.public_helpers import PLAN_ONE as P
from tests.support.public_helpers import measure, publish_second_round
from tracker.extensions import db
from tracker.reporting.states import ReviewState, RoundState, Status
from tracker.typography import as_read


def rows(html: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", html, re.S)


def numbers_listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="/planer/[^/"]+/tiltak/(\d+)', html)]


def test_index_shows_round_totals_with_percentages_and_the_table_per_area(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="nb"' in html
    assert "Planperiode: 2024–2027" in as_read(html)
    assert "Status pr. 1. juni 2025 (Midtveisrapport)." in as_read(html)
    for count, percent in ((13, 26), (32, 64), (5, 10)):
        assert re.search(rf"<strong>{count}</strong>.*?\({percent} prosent\)", html, re.S)
    table = html[
        html.index('id="status-per-area"') : html.index(
            "</table>", html.index('id="status-per-area"')
        )
    ]
    # Area: completed, in progress, not started, total (the table in seed/README.md).
    expected = {
        "Arbeidsliv": (5, 9, 2, 16),
        "Ungdom": (4, 11, 2, 17),
        "Lokalt arbeid": (1, 8, 0, 9),
        "Mer kunnskap": (0, 4, 1, 5),
        "Styrket innsats": (3, 0, 0, 3),
    }
    for area, numbers in expected.items():
        row = next(r for r in rows(table) if f">{area}</th>" in r)
        assert [int(n) for n in re.findall(r'class="number-cell"[^>]*>(\d+)', row)] == list(numbers)
    assert "13 (26 %)" in table and "32 (64 %)" in table and "5 (10 %)" in table


def test_index_lists_each_area_with_links_to_its_measures(client, seeded):
    html = client.get("/").get_data(as_text=True)
    assert sorted(numbers_listed(html)) == list(range(1, 51))
    arbeidsliv = html[html.index('id="area-arbeidsliv"') : html.index('id="area-ungdom"')]
    assert numbers_listed(arbeidsliv) == list(range(1, 17))
    row_45 = next(r for r in rows(html) if f'href="{P}/tiltak/45"' in r)
    assert re.findall(r">([A-Z]+)</abbr>", row_45) == ["KUD", "AID", "BFD", "KD", "KDD"]
    assert "Pågående" in row_45


def test_english_index_translates_the_page_but_keeps_the_plan_text(client, seeded):
    html = client.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Status as of 1 June 2025 (Midtveisrapport)." in as_read(html)
    assert (
        "Of 50 measures in total, 13 are completed, 32 are in progress and 5 have not started."
        in html
    )
    assert ">Working life</th>" in html and ">Completed</th>" in html
    # The measure titles stay Norwegian, marked so screen readers pronounce them right.
    assert 'lang="nb">Kampanje mot diskriminering i arbeidslivet</a>' in html
    # Links keep the language; the switch leads back to the Norwegian page.
    assert f'href="{P}/tiltak/1?lang=en"' in html
    assert '<a class="ds-link" href="/" hreflang="nb" lang="nb">Norsk (bokmål)</a>' in html


def test_choosing_english_sets_no_cookie(client, seeded):
    response = client.get("/?lang=en")
    assert "Set-Cookie" not in response.headers
    assert '<html lang="nb"' in client.get("/").get_data(as_text=True)


def test_filter_by_area_ministry_and_status(client, seeded):
    assert numbers_listed(client.get(P + "/tiltak?omrade=ungdom").get_data(as_text=True)) == list(
        range(17, 34)
    )
    # KDD leads 27, 29, 42 and 49 and shares 45: the filter finds both.
    assert numbers_listed(client.get(P + "/tiltak?departement=KDD").get_data(as_text=True)) == [
        27,
        29,
        42,
        45,
        49,
    ]
    not_started = [
        r["measure"] for r in seeded["rounds"][0]["reports"] if r["status"] == "not_started"
    ]
    assert len(not_started) == 5
    assert (
        numbers_listed(client.get(P + "/tiltak?status=not_started").get_data(as_text=True))
        == not_started
    )
    combined = client.get(P + "/tiltak?omrade=arbeidsliv&status=completed").get_data(as_text=True)
    assert len(numbers_listed(combined)) == 5
    assert "5 tiltak passer filteret" in combined


def test_filtered_rows_still_show_every_responsible_ministry(client, seeded):
    html = client.get(P + "/tiltak?departement=KDD").get_data(as_text=True)
    row_45 = next(r for r in rows(html) if f'href="{P}/tiltak/45"' in r)
    assert re.findall(r">([A-Z]+)</abbr>", row_45) == ["KUD", "AID", "BFD", "KD", "KDD"]


def test_text_search_covers_title_description_and_narrative(client, seeded):
    by_title = numbers_listed(client.get(P + "/tiltak?q=antisemittisme").get_data(as_text=True))
    assert 49 in by_title
    by_narrative = numbers_listed(
        client.get(P + "/tiltak?q=Litteraturhuset").get_data(as_text=True)
    )
    assert by_narrative == [37]
    by_description = numbers_listed(
        client.get(P + "/tiltak?q=samiskeveivisere").get_data(as_text=True)
    )
    assert by_description == [29]


def test_search_treats_wildcards_as_text(client, seeded):
    html = client.get(P + "/tiltak?q=%25").get_data(as_text=True)
    assert numbers_listed(html) == []
    assert "Ingen tiltak passer filteret." in html


def test_unknown_filter_values_are_explained_and_ignored(client, seeded):
    html = client.get(P + "/tiltak?omrade=finnes-ikke&status=ferdig").get_data(as_text=True)
    assert "Fant ikke hovedområdet «finnes-ikke». Viser alle hovedområder." in html
    assert "Fant ikke statusen «ferdig». Viser alle statuser." in html
    assert len(numbers_listed(html)) == 50


def test_filter_form_keeps_the_choices_and_the_language(client, seeded):
    html = client.get(P + "/tiltak?status=completed&q=kurs&lang=en").get_data(as_text=True)
    assert '<option value="completed" selected>Completed</option>' in html
    assert 'name="q" value="kurs"' in html
    assert '<input type="hidden" name="lang" value="en">' in html


def test_measure_page_shows_plan_text_ministries_status_and_history(client, seeded):
    publish_second_round({45: Status.COMPLETED}, narrative="Rapporten er levert.")
    html = client.get(P + "/tiltak/45").get_data(as_text=True)
    assert (
        "Tiltak 45:" in html
        and "Ny undersøkelse om holdninger til etniske og religiøse minoriteter" in html
    )
    ministries = re.findall(r'href="/planer/[^/"]+/enheter/([A-Z]+)" lang="nb">([^<]+)</a>', html)
    assert [abbreviation for abbreviation, _ in ministries] == ["KUD", "AID", "BFD", "KD", "KDD"]
    assert ministries[0][1] == "Kultur- og likestillingsdepartementet"
    assert "Mer kunnskap" in html
    current = html[html.index('id="status-heading"') : html.index('id="history-heading"')]
    assert "Gjennomført" in current and "Rapporten er levert. (tiltak 45)" in current
    history = html[html.index('id="history-heading"') :]
    assert history.index("Statusrapport høst 2026") < history.index("Midtveisrapport")
    assert "Undersøkelsen ble kunngjort våren 2025." in history


def test_measure_without_status_in_the_latest_round_keeps_its_dated_status(client, seeded):
    publish_second_round({1: Status.COMPLETED})
    html = client.get(P + "/tiltak/2").get_data(as_text=True)
    assert "Status pr. 1. juni 2025" in as_read(html)  # the midterm status, with its date
    assert "Tiltaket ble ikke rapportert i siste rapportering (Statusrapport høst 2026)." in html
    assert "Ikke rapportert</span>" not in html
    assert "Midtveisrapport" in html  # the older round is still in the history


def test_unknown_measure_and_ministry_are_not_found(client, seeded):
    assert client.get(P + "/tiltak/999").status_code == 404
    assert client.get(P + "/enheter/XYZ").status_code == 404


def test_ministry_page_lists_its_measures_with_roles(client, seeded):
    html = client.get(P + "/enheter/KDD").get_data(as_text=True)
    assert "Kommunal- og distriktsdepartementet" in html
    assert numbers_listed(html) == [27, 29, 42, 45, 49]
    row_45 = next(r for r in rows(html) if f'href="{P}/tiltak/45"' in r)
    assert "Medansvar, sammen med KUD" in row_45
    row_42 = next(r for r in rows(html) if f'href="{P}/tiltak/42"' in r)
    assert "Hovedansvar" in row_42


def test_about_data_describes_every_field_and_the_licence(client, seeded):
    from tracker.public.open_data import FIELDS

    html = client.get(P + "/om-dataene").get_data(as_text=True)
    assert 'href="https://data.norge.no/nlod/no/2.0"' in html and "NLOD" in html
    for field in FIELDS:
        assert f"<code>{field}</code>" in html
    assert f'href="{P}/data/midtveis-2025/tiltak.csv"' in html


def test_pages_before_anything_is_published(client, app):
    MeasureFactory()
    db.session.commit()
    for url in ("/", P + "/tiltak", P + "/om-dataene", "/?lang=en"):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Ingen status er publisert ennå." in client.get("/").get_data(as_text=True)
    assert "No status has been published yet." in client.get("/?lang=en").get_data(as_text=True)
    assert client.get(P + "/data/tiltak.json").status_code == 404


def test_a_newer_published_round_replaces_the_status_shown(client, seeded):
    publish_second_round({9: Status.COMPLETED})
    html = client.get("/").get_data(as_text=True)
    assert "Status pr. 1. oktober 2026 (Statusrapport høst 2026)." in as_read(html)
    row_9 = next(r for r in rows(html) if f'href="{P}/tiltak/9"' in r)
    assert "Gjennomført" in row_9
    row_10 = next(r for r in rows(html) if f'href="{P}/tiltak/10"' in r)
    # Not reported in the new round: its midterm status stays, dated, never «Ikke rapportert».
    assert "Ikke rapportert" not in row_10 and "Status pr. 1. juni 2025" in as_read(row_10)


def test_open_round_does_not_replace_the_published_status(client, seeded):
    open_round = RoundFactory(state=RoundState.OPEN, as_of=date(2027, 1, 1))
    ReportFactory(
        round=open_round,
        measure=measure(9),
        status=Status.COMPLETED,
        review_state=ReviewState.APPROVED,
    )
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert "Status pr. 1. juni 2025" in as_read(html)
    assert "Ikke igangsatt" in next(r for r in rows(html) if f'href="{P}/tiltak/9"' in r)
