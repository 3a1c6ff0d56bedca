"""Web security (issue #13): sign-in lockout, password reset, idle sessions, the
Content-Security-Policy, the request size bound, and chart text that holds script."""

from __future__ import annotations

import base64
import hashlib
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.test import Client
from django.urls import reverse

from saferplaces.web.audit.models import AuditEntry
from saferplaces.web.config.middleware import MAX_REQUEST_BYTES

PASSWORD = "a long password 123"


@pytest.fixture(autouse=True)
def _fresh_axes(db):  # noqa: ANN001, ANN202
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def _sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1"):  # noqa: ANN202
    return client.post(reverse("sign-in"), {"username": username, "password": password}, REMOTE_ADDR=ip)


# -- sign-in throttling and lockout ---------------------------------------------------------------


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_account_out_with_a_gov_uk_page_and_an_audit_entry() -> None:
    jo = User.objects.create_user("jo", password=PASSWORD)
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, "jo", "wrong password")
        assert response.status_code == 200
        assert "Enter a correct username and password" in response.content.decode()
    response = _sign_in(client, "jo", "wrong password")
    assert response.status_code == 429
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">You cannot sign in for now</h1>' in page
    assert "wrong 5 times" in page and "for 15 minutes" in page
    # Now even the right password is refused, from that address.
    response = _sign_in(client, "jo", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.filter(via="sign-in lockout (django-axes)").first()
    assert entry is not None
    assert (entry.model, entry.object_id, entry.object_repr) == ("auth.user", str(jo.pk), "jo")
    assert entry.after["locked_out"] is True and entry.after["ip_address"] == "10.0.0.1"


@pytest.mark.django_db
def test_a_lockout_is_for_that_username_from_that_address_only() -> None:
    User.objects.create_user("jo", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(Client(), "jo", "wrong password", ip="10.0.0.9")
    # The person themselves, at another address, still signs in.
    client = Client()
    response = _sign_in(client, "jo", PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="jo").pk)


@pytest.mark.django_db
def test_a_right_password_before_the_limit_clears_the_failures() -> None:
    User.objects.create_user("jo", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(Client(), "jo", "wrong password")
    assert _sign_in(Client(), "jo", PASSWORD).status_code == 302
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(Client(), "jo", "wrong password").status_code == 200


# -- password reset by email ----------------------------------------------------------------------


@pytest.mark.django_db
def test_password_reset_by_email_sets_a_new_password_that_follows_the_rules() -> None:
    User.objects.create_user("jo", email="jo@example.org", password=PASSWORD)
    client = Client()
    assert "Forgotten your password?" in client.get(reverse("sign-in")).content.decode()
    response = client.post(reverse("password-reset"), {"email": "jo@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-sent")
    (message,) = mail.outbox
    assert message.subject == "Reset your Safer Places password"
    assert message.to == ["jo@example.org"]
    link = re.search(r"http://testserver(/password-reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    # Django's password validators: too short, and all numbers.
    response = client.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "This password is too short" in page and "This password is entirely numeric" in page
    response = client.post(
        set_url, {"new_password1": "a new long passphrase", "new_password2": "another one entirely"}
    )
    assert "The passwords do not match" in response.content.decode()
    response = client.post(
        set_url, {"new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-complete")
    assert User.objects.get(username="jo").check_password("a new long passphrase")
    # The link works once.
    assert "The link has expired" in client.get(link, follow=True).content.decode()


@pytest.mark.django_db
def test_password_reset_says_the_same_for_an_unknown_address_and_sends_nothing() -> None:
    response = Client().post(reverse("password-reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response["Location"] == reverse("password-reset-sent")
    assert mail.outbox == []
    response = Client().post(reverse("password-reset"), {"email": "not an address"})
    assert "Enter an email address in the correct format" in response.content.decode()


def test_email_goes_to_the_console_unless_an_smtp_server_is_set(tmp_path) -> None:  # noqa: ANN001
    import subprocess
    import sys

    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_HOST', ''))"
    base = {"DJANGO_SETTINGS_MODULE": "saferplaces.web.config.settings.local"}
    base |= {"SAFERPLACES_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    outputs = []
    for extra in ({}, {"SAFERPLACES_EMAIL_HOST": "smtp.example.org"}):
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + code],
            env=base | extra,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.strip())
    assert outputs[0].startswith("django.core.mail.backends.console.EmailBackend")
    assert outputs[1] == "django.core.mail.backends.smtp.EmailBackend smtp.example.org"


# -- sessions end after a spell without requests -------------------------------------------------


@pytest.mark.django_db
def test_a_session_expires_after_the_idle_time_and_is_renewed_by_use() -> None:
    import time

    from saferplaces.web.accounts import middleware

    assert settings.SESSION_COOKIE_AGE == 30 * 60
    User.objects.create_user("jo", password=PASSWORD)
    client = Client()
    _sign_in(client, "jo", PASSWORD)
    first = client.session.get_expiry_date()
    # A request a little later than RENEW_EVERY moves the expiry on.
    client.session.save()
    session = client.session
    session[middleware._KEY] = int(time.time()) - middleware.RENEW_EVERY - 1
    session.save()
    client.get(reverse("home"))
    assert client.session.get_expiry_date() > first
    assert client.session[middleware._KEY] >= int(time.time()) - 5


# -- Content-Security-Policy ----------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:  # noqa: ANN001
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "sign-in", "password-reset", "admin:login"])
def test_every_page_has_a_policy_without_unsafe_inline(name: str) -> None:
    response = Client().get(reverse(name))
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_only_inline_script_is_allowed_by_its_hash_and_nothing_else_is() -> None:
    from saferplaces.web.config.csp import inline_script_hashes

    response = Client().get(reverse("sign-in"))
    allowed = [s for s in _policy(response)["script-src"] if s.startswith("'sha256-")]
    html = response.content.decode()
    # hashed here with hashlib, independently of the policy's own computation
    bodies = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    assert len(bodies) == 1 and "js-enabled" in bodies[0]
    digest = base64.b64encode(hashlib.sha256(bodies[0].encode()).digest()).decode()
    assert allowed == [f"'sha256-{digest}'"] == inline_script_hashes(html)
    assert "nonce" not in response["Content-Security-Policy"]
    assert "style=" not in html and "<style" not in html


def test_no_template_has_an_inline_script_style_attribute_or_style_block() -> None:
    web = settings.WEB_DIR
    for path in (web / "jinja2").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=|<style", text), path
        assert not re.search(r"\son[a-z]+=", text), path  # no event handler attributes either


@pytest.mark.django_db
def test_the_header_is_on_error_pages_and_static_files_too() -> None:
    client = Client()
    assert "Content-Security-Policy" in client.get("/no-such-page/")
    assert "Content-Security-Policy" in client.get("/static/saferplaces/init.js")


# -- the request size bound -----------------------------------------------------------------------


class _Exploding:
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.django_db
def test_an_oversized_request_is_refused_before_its_body_is_read() -> None:
    client = Client()
    response = client.generic(
        "POST",
        "/partnerships/x/plans/y/import/",
        b"",
        CONTENT_TYPE="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(MAX_REQUEST_BYTES + 1),
        **{"wsgi.input": _Exploding()},
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert '<h1 class="govuk-heading-l">The file is too big</h1>' in page
    assert "smaller than 5 MB" in page
    assert "Content-Security-Policy" in response


@pytest.mark.django_db
def test_a_chunked_request_of_unknown_length_is_refused() -> None:
    response = Client().generic(
        "POST", "/sign-in/", b"", HTTP_TRANSFER_ENCODING="chunked", **{"wsgi.input": _Exploding()}
    )
    assert response.status_code == 411


@pytest.mark.django_db
def test_a_request_at_the_limit_goes_through() -> None:
    body = b"username=x&password=y&" + b"a" * 10
    response = Client().generic("POST", "/sign-in/", body, CONTENT_TYPE="application/x-www-form-urlencoded")
    assert response.status_code in (200, 403)  # reached the view (403: no CSRF token), not 411/413


# -- a chart's SVG with script in the user's text -------------------------------------------------

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _elements(svg: str) -> list[ET.Element]:
    return list(ET.fromstring(svg).iter())


def test_a_chart_with_script_in_its_title_unit_and_periods_holds_only_text() -> None:
    from saferplaces.reports.target_charts import ChartValue, target_chart

    chart = target_chart(
        [ChartValue(SCRIPT, 5.0), ChartValue("2024" + SCRIPT, 7.0)],
        title="Burglary " + SCRIPT,
        unit="per " + SCRIPT,
        baseline=4.0,
        baseline_period="2022 " + SCRIPT,
    )
    elements = _elements(chart.svg)  # parses: the text did not break the markup
    tags = {e.tag.rsplit("}", 1)[-1] for e in elements}
    assert "script" not in tags and "img" not in tags and "foreignObject" not in tags
    for element in elements:
        assert not [name for name in element.attrib if name.lower().startswith("on")], element.attrib
        assert "javascript:" not in " ".join(element.attrib.values()).lower()
    assert "<script" not in chart.svg and "<img" not in chart.svg
    # The text is still there, as text, for the reader.
    assert any(SCRIPT[:8] in (e.text or "") for e in elements)
