"""The administrators' side of the residents' site: contact details, help links, approving summaries.

Only a partnership's administrators (and superusers) use these pages; other members are
refused (403), and people outside the partnership are told nothing is here (404). Every
change goes through the audit trail, which also makes the public pages new at once.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from saferplaces.web.accounts.access import partnership_page
from saferplaces.web.accounts.models import Role
from saferplaces.web.accounts.permissions import is_active_superuser, roles
from saferplaces.web.audit.trail import audited_delete, audited_save
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Plan, ProgressUpdate
from saferplaces.web.public.models import HelpLink, PublicContact
from saferplaces.web.validation import LONG_TEXT, too_long

VIA = "public site form"


def can_manage_public_site(user: Any, partnership: Partnership) -> bool:
    """Change what the residents' site shows and approve public summaries: administrators."""
    return is_active_superuser(user) or Role.Name.ADMINISTRATOR in roles(user, partnership)


#: Load the partnership (404 to non-members), then require that the user manages its public site.
site_manager = partnership_page(can_manage_public_site, "No public site page here.")


def _text(label: str, max_length: int = LONG_TEXT, required_message: str = "") -> forms.CharField:
    errors = {"max_length": too_long(label, max_length)}
    if required_message:
        errors["required"] = required_message
    return forms.CharField(required=bool(required_message), max_length=max_length, error_messages=errors)


def _url() -> forms.URLField:
    return forms.URLField(
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address in the correct format, like https://www.example.org"},
    )


class ContactForm(forms.Form):
    contact_email = forms.EmailField(
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    contact_phone = _text("Phone number", 50)
    contact_website = _url()
    contact_text = _text("More about how to contact the partnership")
    contact_text_cy = _text("More about how to contact the partnership, in Welsh")


class HelpLinkForm(forms.Form):
    help_name = _text("Name", 200, "Enter the name of the service")
    help_name_cy = _text("Name in Welsh", 200)
    help_about = _text("Who it is for")
    help_about_cy = _text("Who it is for, in Welsh")
    help_url = _url()
    help_phone = _text("Phone number", 50)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors and not data.get("help_url") and not data.get("help_phone"):
            self.add_error("help_url", "Enter a web address or a phone number")
        return data


class SummaryForm(forms.Form):
    public_summary = _text("Public summary")
    public_summary_cy = _text("Public summary in Welsh")
    approve = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Select whether residents may read this summary"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("approve") == "yes" and not (data.get("public_summary") or "").strip():
            self.add_error("public_summary", "Enter a public summary to approve")
        return data


def _context(partnership: Partnership, title: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": title,
        "partnership": partnership,
        "nav_active": "partnerships",
        "breadcrumbs": [
            {"text": "Partnerships", "href": reverse("home")},
            {"text": partnership.name, "href": reverse("partnership", args=[partnership.slug])},
            {"text": "Residents' site", "href": reverse("public-site", args=[partnership.slug])},
        ],
        **extra,
    }


def _updates(partnership: Partnership) -> list[ProgressUpdate]:
    return list(
        ProgressUpdate.objects.filter(action__priority__plan__partnership=partnership)
        .select_related("action__priority__plan", "public_approved_by")
        .order_by("-date", "-pk")
    )


@site_manager
def overview(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    """What the residents' site shows for the partnership, and what waits for approval."""
    updates = _updates(partnership)
    context = _context(
        partnership,
        "Residents' site",
        contact=PublicContact.objects.filter(partnership=partnership).first(),
        links=HelpLink.objects.filter(partnership=partnership),
        waiting=[u for u in updates if u.public_summary.strip() and u.public_approved_at is None],
        updates=updates,
        published=Plan.objects.filter(partnership=partnership, status=Plan.Status.PUBLISHED).exists(),
    )
    return render(request, "publicsite/overview.html", context)


@site_manager
def contact(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    """The contact details residents see."""
    record = PublicContact.objects.filter(partnership=partnership).first() or PublicContact(
        partnership=partnership
    )
    names = list(ContactForm.base_fields)
    form = ContactForm(
        request.POST if request.method == "POST" else None,
        initial={n: getattr(record, n) for n in names},
    )
    if form.is_bound and form.is_valid():
        for n in names:
            setattr(record, n, form.cleaned_data[n] or "")
        with transaction.atomic():
            audited_save(request.user, record, via=VIA)
        messages.success(request, "Contact details saved")
        return redirect("public-site", slug=partnership.slug)
    title = ("Error: " if form.errors else "") + "How residents contact the partnership"
    return render(request, "publicsite/contact.html", _context(partnership, title, form=form))


def _help_form(request: HttpRequest, partnership: Partnership, link: HelpLink) -> HttpResponse:
    names = list(HelpLinkForm.base_fields)
    form = HelpLinkForm(
        request.POST if request.method == "POST" else None,
        initial={n: getattr(link, n) for n in names},
    )
    if form.is_bound and form.is_valid():
        for n in names:
            setattr(link, n, form.cleaned_data[n] or "")
        with transaction.atomic():
            audited_save(request.user, link, via=VIA)
        messages.success(request, "Help link saved")
        return redirect("public-site", slug=partnership.slug)
    heading = "Add a place to get help" if link.pk is None else "Change a place to get help"
    title = ("Error: " if form.errors else "") + heading
    return render(
        request,
        "publicsite/help_form.html",
        _context(partnership, title, form=form, heading=heading, link=link),
    )


@site_manager
def help_new(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    last = HelpLink.objects.filter(partnership=partnership).aggregate(last=Max("order"))["last"] or 0
    return _help_form(request, partnership, HelpLink(partnership=partnership, order=last + 1))


@site_manager
def help_edit(request: HttpRequest, partnership: Partnership, link_id: int) -> HttpResponse:
    return _help_form(request, partnership, get_object_or_404(HelpLink, pk=link_id, partnership=partnership))


@require_POST
@site_manager
def help_delete(request: HttpRequest, partnership: Partnership, link_id: int) -> HttpResponse:
    link = get_object_or_404(HelpLink, pk=link_id, partnership=partnership)
    audited_delete(request.user, link, via=VIA)
    messages.success(request, "Help link removed")
    return redirect("public-site", slug=partnership.slug)


@site_manager
def update_summary(request: HttpRequest, partnership: Partnership, update_id: int) -> HttpResponse:
    """Write or change an update's public summary, and approve it for residents (or withdraw it)."""
    update = get_object_or_404(
        ProgressUpdate.objects.select_related("action__priority__plan"),
        pk=update_id,
        action__priority__plan__partnership=partnership,
    )
    form = SummaryForm(
        request.POST if request.method == "POST" else None,
        initial={
            "public_summary": update.public_summary,
            "public_summary_cy": update.public_summary_cy,
            "approve": "yes" if update.public_approved_at else "no",
        },
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        changed = (data["public_summary"], data["public_summary_cy"]) != (
            update.public_summary,
            update.public_summary_cy,
        )
        update.public_summary = data["public_summary"]
        update.public_summary_cy = data["public_summary_cy"]
        if data["approve"] == "yes":
            if changed or update.public_approved_at is None:  # approval is of these words
                update.public_approved_by = request.user
                update.public_approved_at = timezone.now()
        else:
            update.public_approved_by = None
            update.public_approved_at = None
        with transaction.atomic():
            audited_save(request.user, update, via=VIA)
        messages.success(
            request, "Public summary saved" + (" and approved" if data["approve"] == "yes" else "")
        )
        return redirect("public-site", slug=partnership.slug)
    title = ("Error: " if form.errors else "") + "Public summary of an update"
    return render(request, "publicsite/summary.html", _context(partnership, title, form=form, update=update))
