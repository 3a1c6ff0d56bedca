"""The home page names the product and lists partnerships."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_names_the_product_without_a_crown(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Safer Places</h1>' in html
    assert "<title>Safer Places</title>" in html
    assert "govuk-header__logotype" not in html  # GOV.UK's crown header is not used
    assert "There are no partnerships yet" in html
    assert '<html lang="en-GB"' in html


def test_static_files_are_served_locally(client: Client) -> None:
    response = client.get("/static/saferplaces/saferplaces.css")
    assert response.status_code == 200


def test_favicon_ico_leads_to_the_icon(client: Client) -> None:
    """Browsers ask for /favicon.ico on pages that name no icon, such as Django's admin."""
    response = client.get("/favicon.ico", follow=True)
    assert response.redirect_chain == [("/static/saferplaces/favicon.svg", 301)]
    assert response.status_code == 200
    assert b"<svg" in b"".join(response.streaming_content)
