"""The residents' site: pages without sign-in, their CSV and JSON twins, caching, headers and Welsh."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from dataclasses import replace

import pytest
from django.core.cache import cache
from django.test import Client

from saferplaces.web.audit.trail import audited_save
from saferplaces.web.partnerships.models import Membership, Organisation, Partnership

pytestmark = pytest.mark.django_db

PAGES = [
    "/public/",
    "/public/find/?q=Coton",
    "/public/find/?q=ST16+2AB",
    "/public/find/?q=WS15",
    "/public/find/?q=Leek",
    "/public/find/?q=Atlantis",
    "/public/stafford/",
    "/public/stafford/local-picture/",
    "/public/staffordshire/",
]
TWINS = {
    "/public/": ("/public/partnerships.csv", "/public/partnerships.json"),
    "/public/find/?q=Coton": ("/public/find.csv?q=Coton", "/public/find.json?q=Coton"),
    "/public/stafford/": ("/public/stafford.csv", "/public/stafford.json"),
    "/public/stafford/local-picture/": (
        "/public/stafford/local-picture.csv",
        "/public/stafford/local-picture.json",
    ),
}


@pytest.fixture
def site(settings, bundled_store):
    """Two partnerships (Staffordshire over Stafford) and the web app reading the bundled store."""
    settings.ENV = replace(settings.ENV, store_dir=bundled_store.root)
    cache.clear()
    county = Partnership.objects.create(
        name="Staffordshire Commissioner's Partnership",
        slug="staffordshire",
        kind="county",
        area_name="Staffordshire",
    )
    district = Partnership.objects.create(
        name="Stafford Borough Community Safety Partnership",
        slug="stafford",
        kind="district",
        area_name="Stafford Borough",
        parent=county,
    )
    council = Organisation.objects.create(
        name="Stafford Borough Council", website="https://www.staffordbc.gov.uk"
    )
    Membership.objects.create(
        partnership=district, organisation=council, contribution="Internal note on budget"
    )
    yield district
    cache.clear()


def h1s(html: str) -> list[str]:
    return re.findall(r"<h1[^>]*>(.*?)</h1>", html, re.S)


@pytest.mark.parametrize("path", PAGES)
def test_every_public_page_opens_without_signing_in_with_one_h1(site, client: Client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert len(h1s(html)) == 1
    assert 'style="' not in html and "<style" not in html
    # no script of ours: only the GOV.UK template's own line that marks the body when JavaScript runs
    assert [b for b in re.findall(r"<script[^>]*>(.*?)</script>", html, re.S) if "js-enabled" not in b] == []
    assert "Sign in" not in html


def test_every_page_links_to_its_csv_and_json_twins(site, client: Client):
    for page, (csv_url, json_url) in TWINS.items():
        html = client.get(page).content.decode().replace("&amp;", "&")
        path = page.split("?")[0]
        for twin in (csv_url, json_url):
            assert twin.split("?")[0] in html, (page, twin)
            response = client.get(twin)
            assert response.status_code == 200, twin
        assert client.get(csv_url)["Content-Type"].startswith("text/csv")
        assert client.get(json_url)["Content-Type"] == "application/json"
        assert path


def test_the_local_picture_names_its_months_and_compares_with_the_force_area(site, client: Client):
    html = client.get("/public/stafford/local-picture/").content.decode()
    assert "They run from January 2025 to December 2025." in html
    assert "crimes in Stafford" in html
    assert "Staffordshire police area as a whole" in html
    assert "We cannot yet say if crime is usual for the time of year." in html
    assert '<svg class="sp-map"' in html
    assert "fewer than 5" in html  # some ward counts are hidden
    assert html.count('<tr class="govuk-table__row') >= 23 + 12


def test_the_ward_csv_hides_small_counts_with_the_symbol(site, client: Client):
    rows = list(
        csv.DictReader(io.StringIO(client.get("/public/stafford/local-picture.csv").content.decode()))
    )
    assert rows[0]["level"] == "area" and rows[0]["name"] == "Stafford"
    assert len([r for r in rows if r["level"] == "ward"]) == 23
    counts = [v for r in rows for k, v in r.items() if k.startswith("count_") or k.endswith("_count")]
    assert "[c]" in counts
    assert all(v == "[c]" or v == "" or not 1 <= int(v) <= 4 for v in counts)
    for r in rows:
        if r["crime_count"] == "[c]":
            assert r["crime_per_1000"] == "[c]" and r["crime_compared_with_force_area"] == "[c]"


def test_find_your_partnership_by_ward_name(site, client: Client):
    html = client.get("/public/find/?q=Coton").content.decode()
    assert "Coton" in html and "/public/stafford/" in html and "/public/staffordshire/" in html
    found = json.loads(client.get("/public/find.json?q=Coton").content)
    assert found["places"][0]["place"] == "Coton"
    assert found["places"][0]["partnerships"] == ["stafford", "staffordshire"]


def test_a_full_postcode_finds_its_partnership_through_its_postcode_district(site, client: Client):
    html = client.get("/public/find/?q=st16+2ab").content.decode()
    assert "We looked up the postcode district ST16. We cannot find the ward of a full postcode." in html
    assert "/public/stafford/" in html and "/public/staffordshire/" in html
    assert "crosses council boundaries" not in html
    found = json.loads(client.get("/public/find.json?q=ST16 2AB").content)
    assert found["postcode_district"] == "ST16"
    (row,) = found["towns_and_postcode_districts"]
    assert row["districts"] == [
        {"code": "E07000197", "name": "Stafford", "partnerships": ["stafford", "staffordshire"]}
    ]
    assert any("approximate" in a for a in found["assumptions"])


def test_a_postcode_district_across_boundaries_lists_every_partnership_and_says_so(site, client: Client):
    html = client.get("/public/find/?q=B74").content.decode()
    assert "This postcode district crosses council boundaries. Parts of it are in 3 council areas" in html
    # Lichfield is in the county partnership; Birmingham and Walsall in no partnership here
    assert html.count("No partnership on this site covers this council area.") == 2
    rows = list(csv.DictReader(io.StringIO(client.get("/public/find.csv?q=B74").content.decode())))
    assert {(r["district"], r["partnerships"]) for r in rows if r["place_type"] == "postcode_district"} == {
        ("Birmingham", ""),
        ("Walsall", ""),
        ("Lichfield", "staffordshire"),
    }


def test_a_town_finds_its_partnership_and_its_wards(site, client: Client):
    html = client.get("/public/find/?q=Leek").content.decode()
    assert "Staffordshire Moorlands" in html and "/public/staffordshire/" in html
    assert "Wards in this town:" in html and "/public/find/?q=Leek%20North" in html
    html = client.get("/public/find/?q=burton-on-trent").content.decode()
    assert "Burton upon Trent" in html and "This town has many wards." in html


def test_an_unknown_place_gets_a_helpful_message_in_english_and_welsh(site, client: Client):
    html = client.get("/public/find/?q=Atlantis").content.decode()
    assert "We found no town, postcode district, ward or council area with that name" in html
    html = client.get("/cy/public/find/?q=Atlantis").content.decode()
    assert "Ni chawsom hyd i unrhyw dref, ardal cod post, ward nac ardal cyngor" in html
    html = client.get("/public/find/?q=ZZ9").content.decode()
    assert "We do not know the postcode district ZZ9." in html
    html = client.get("/cy/public/find/?q=ZZ9").content.decode()
    assert "Nid ydym yn adnabod yr ardal cod post ZZ9." in html
    assert json.loads(client.get("/public/find.json?q=ZZ9").content)["towns_and_postcode_districts"] == []


def test_responses_carry_etag_cache_control_and_cors_and_answer_304(site, client: Client):
    response = client.get("/public/stafford/local-picture/")
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=300"}
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get("/public/stafford/local-picture/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_page_cache_is_cleared_when_a_partnership_changes(site, client: Client):
    assert "Stafford Safer Together" not in client.get("/public/stafford/").content.decode()
    site.name = "Stafford Safer Together"
    audited_save(None, site, via="test")  # as every edit through the app or the admin is
    assert "Stafford Safer Together" in client.get("/public/stafford/").content.decode()


def test_the_page_cache_is_cleared_when_the_store_changes(site, client: Client, settings, tmp_path):
    assert client.get("/public/stafford/local-picture/").status_code == 200
    settings.ENV = replace(settings.ENV, store_dir=tmp_path / "empty-store")
    html = client.get("/public/stafford/local-picture/").content.decode()
    assert "We do not hold 12 months of figures in a row for this area yet." in html


def test_welsh_pages_are_in_welsh_with_a_switch_back(site, client: Client):
    response = client.get("/cy/public/stafford/local-picture/")
    html = response.content.decode()
    assert response["Content-Language"] == "cy"
    assert '<html lang="cy"' in html
    assert "Troseddu ac ymddygiad gwrthgymdeithasol" in html
    assert "Ionawr 2025" in html
    assert 'href="/public/stafford/local-picture/"' in html and ">English<" in html
    english = client.get("/public/stafford/local-picture/").content.decode()
    assert 'href="/cy/public/stafford/local-picture/"' in english and ">Cymraeg<" in english


def test_the_search_keeps_its_words_when_switching_language(site, client: Client):
    html = client.get("/public/find/?q=Coton").content.decode()
    assert 'href="/cy/public/find/?q=Coton"' in html


def test_an_unknown_partnership_is_not_found(site, client: Client):
    assert client.get("/public/nowhere/").status_code == 404
    assert client.get("/public/nowhere/local-picture.csv").status_code == 404


def test_members_are_listed_without_their_internal_notes(site, client: Client):
    html = client.get("/public/stafford/").content.decode()
    assert "Stafford Borough Council" in html
    assert "Internal note" not in html
    assert "Internal note" not in client.get("/public/stafford.json").content.decode()


@pytest.mark.django_db
def test_a_quarter_against_a_year_is_said_to_be_compared_per_month() -> None:
    """3,502 in 2018 and 1,011 in 2025/26 Q2 side by side read as a fall; the test compares per
    month (1,011 / 3 against 3,502 / 12, a rise), and the words must say so before "a rise"."""
    from saferplaces.web.demo_activity import load_demo_activity
    from saferplaces.web.performance.models import Target
    from saferplaces.web.public.targets import target_record
    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    load_demo_activity()
    target = Target.objects.get(
        plan__partnership__slug="east-staffordshire", description="Reduced ASB incidents"
    )
    words = target_record(target)["in_plain_words"]
    assert words[2:] == [
        # a quarter of a financial year names its months (written out here, not worked out)
        "In 2025/26 Q2 (July 2025 to September 2025) it was 1,011.",
        "2025/26 Q2 (July 2025 to September 2025) is 3 months long and 2018 is 12 months long. "
        "So we look at the number for each month.",
        "That is a rise. Our test says it is too big to be chance: it is statistically significant.",
    ]
    assert 1011 / 3 > 3502 / 12  # worked out here: per month, a rise


@pytest.mark.django_db
def test_the_demo_activity_is_marked_as_invented_on_the_residents_pages(client) -> None:
    """Issue #11 section 4: invented activity is never shown to residents as if it were real."""
    from saferplaces.web.demo_activity import load_demo_activity
    from saferplaces.web.seeds import load_seed_plans

    warning = "Some updates and figures for this partnership were made up"
    load_seed_plans()
    pages = ["plan/", "progress/", "targets/", "progress/easy-read/"]
    for page in pages:
        assert warning not in client.get(f"/public/east-staffordshire/{page}").content.decode(), page
    load_demo_activity()
    for page in pages:
        assert warning in client.get(f"/public/east-staffordshire/{page}").content.decode(), page
    welsh = client.get("/cy/public/east-staffordshire/targets/").content.decode()
    assert "Arddangosiad yw hwn." in welsh
    assert warning not in client.get("/public/stafford/targets/").content.decode()  # no invented activity


def _newest_bundled_year(pattern: str) -> int:
    """The newest year in the names of the bundled population files matching ``pattern``."""
    from saferplaces.data.bundled_files import bundled

    names = [p.name for p in bundled("population").glob("*.csv.gz")]
    return max(int(m[1]) for n in names if (m := re.search(pattern, n)))


def test_the_local_picture_names_the_population_estimates_its_rates_use(site, client: Client):
    # the bundled files (read here by name): district estimates to mid-2021, Staffordshire's small
    # areas (summed to wards) to mid-2020, so the ward rates use an older year than Stafford's
    district, small_areas = (
        _newest_bundled_year(r"mye_mid(\d{4})_lad"),
        _newest_bundled_year(r"sape_mid(\d{4})_lsoa"),
    )
    assert (district, small_areas) == (2021, 2020)
    html = client.get("/public/stafford/local-picture/").content.decode()
    assert f"For the rates we use the ONS population estimates for mid-{district}." in html
    assert (
        f"The rates for wards use the ONS estimates for mid-{small_areas}, the newest we have for wards. "
        "That is not the same year as the estimate for Stafford." in html
    )
    welsh = client.get("/cy/public/stafford/local-picture/").content.decode()
    assert f"amcangyfrifon poblogaeth ONS ar gyfer canol {district}." in welsh
    assert f"amcangyfrifon ONS ar gyfer canol {small_areas}, y rhai mwyaf newydd" in welsh


def test_the_estimate_sentences_say_what_each_mix_of_years_is(site):
    from django.utils import translation

    from saferplaces.web.public import sentences
    from saferplaces.web.public.data import picture_for

    picture = picture_for(site)
    with translation.override("en"):
        same = sentences.estimates(replace(picture, population_year=2020, ward_population_years=(2020,)))
        assert same == [
            "For the rates we use the ONS population estimates for mid-2020.",
            "The rates for wards use estimates for the same year.",
        ]
        some = sentences.estimates(replace(picture, ward_population_years=(2020, 2021)))
        assert some[1] == (
            "Some rates for wards use the ONS estimates for mid-2020, the newest we have for them. "
            "The other wards use the same year as Stafford."
        )
        fetched = replace(picture, population_downloaded="3 December 2026", ward_population_years=())
        assert sentences.estimates(fetched) == [
            "For the rates we use the ONS population estimates for mid-2021. "
            "We got them from ONS on 3 December 2026."
        ]
    with translation.override("cy"):
        assert sentences.estimates(fetched)[0].endswith("Cawsom nhw gan ONS ar 3 Rhagfyr 2026.")


@pytest.mark.parametrize(
    ("path", "lang", "heading", "line"),
    [
        ("/cy/public/no-such-partnership/", "cy", "Ni ddarganfyddwyd y dudalen", "gwiriwch ei fod yn gywir"),
        ("/cy/public/nothing/here/at/all", "cy", "Ni ddarganfyddwyd y dudalen", "gwiriwch ei fod yn gywir"),
        ("/public/no-such-partnership/", "en-GB", "Page not found", "check it is correct"),
        ("/public/stafford/plan/", "en-GB", "Page not found", "check it is correct"),  # nothing published
        ("/no/such/page/", "en-GB", "Page not found", "check it is correct"),
    ],
)
def test_a_page_not_found_says_so_in_the_language_of_its_address(
    site, client: Client, path, lang, heading, line
):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert f'<html lang="{lang}"' in html
    assert h1s(html) == [heading.replace("'", "&#39;")]
    assert line in html and "Not Found" not in html
    assert 'style="' not in html and "<style" not in html
    bodies = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
    assert [b for b in bodies if b.strip() and "js-enabled" not in b] == []
    if path.startswith("/cy/"):
        assert response["Content-Language"] == "cy"
        assert 'href="/cy/public/"' in html and 'href="/public/"' in html  # home, and the switch back


def test_a_problem_with_the_service_is_said_in_the_language_of_its_address(site, rf):
    from saferplaces.web.public.errors import server_error

    welsh = server_error(rf.get("/cy/public/stafford/local-picture/"))
    assert welsh.status_code == 500 and welsh["Content-Language"] == "cy"
    html = welsh.content.decode()
    assert "Mae&#39;n ddrwg gennym, mae problem gyda&#39;r gwasanaeth" in h1s(html)[0]
    assert "Rhowch gynnig arall arni yn nes ymlaen." in html
    english = server_error(rf.get("/partnerships/stafford/")).content.decode()
    assert h1s(english) == ["Sorry, there is a problem with the service"] and "Sign in" not in english


@pytest.mark.django_db
def test_a_plan_with_no_actions_says_so_on_its_progress_page(client) -> None:
    """Issue #12: Stafford's seed plan lists priorities but no actions; its progress page said
    "This is how the partnership is doing on its plan." and then showed nothing at all."""
    from saferplaces.web.plans.models import Action
    from saferplaces.web.seeds import load_seed_plans

    load_seed_plans()
    assert not Action.objects.filter(priority__plan__partnership__slug="stafford").exists()
    english = client.get("/public/stafford/progress/").content.decode()
    assert "The plan has no actions yet, so there is no progress to show." in english
    welsh = client.get("/cy/public/stafford/progress/").content.decode()
    assert "Nid oes camau gweithredu yn y cynllun eto, felly nid oes cynnydd i'w ddangos." in html.unescape(
        welsh
    )
    assert Action.objects.filter(priority__plan__partnership__slug="lichfield").exists()
    assert "no progress to show" not in client.get("/public/lichfield/progress/").content.decode()


def test_a_plan_period_names_its_months_for_residents() -> None:
    """Residents do not count in financial years: a quarter or a financial year names its months,
    in the page's language; a calendar year, a month, or words that are not a period read as they are."""
    from django.utils import translation

    from saferplaces.web.public.sentences import period_words

    assert period_words("2025/26 Q2") == "2025/26 Q2 (July 2025 to September 2025)"
    assert period_words("2024/25 q4") == "2024/25 Q4 (January 2025 to March 2025)"
    assert period_words("2024/25") == "2024/25 (April 2024 to March 2025)"
    assert period_words("2025-03") == "March 2025"
    assert period_words("2018") == "2018"
    assert period_words("the first year") == "the first year"
    with translation.override("cy"):
        welsh = period_words("2025/26 Q2")
    # the months in Welsh, "Medi" taking its soft mutation after "i" (to)
    assert welsh == "2025/26 Q2 (Gorffennaf 2025 i Fedi 2025)"
    assert "July" not in welsh and "September" not in welsh
