"""The partnership's people page: who holds which role, invitations, and switching accounts off.

Partnership administrators (and superusers) use it. An invitation makes the account
with no password and gives the administrator a link to pass on; the link lets the
invited person choose their password once (Django's password-reset token, so it stops
working as soon as the password is set or after ``PASSWORD_RESET_TIMEOUT``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.views.decorators.http import require_POST

from saferplaces.web.accounts.access import partnership_page
from saferplaces.web.accounts.models import Role
from saferplaces.web.accounts.permissions import is_active_superuser, roles
from saferplaces.web.audit.trail import audited_delete, audited_save, record
from saferplaces.web.partnerships.models import Partnership

VIA_PEOPLE = "partnership people page"


def can_manage_people(user: Any, partnership: Partnership) -> bool:
    """Invite people, give and take away roles, switch accounts off: administrators."""
    return is_active_superuser(user) or Role.Name.ADMINISTRATOR in roles(user, partnership)


#: Load the partnership (404 to non-members), then require that the user manages its people.
people_manager = partnership_page(can_manage_people, "No people page here.")


ROLE_ERROR = "Select a role"


class InviteForm(forms.Form):
    """A new account, or a role for an existing one."""

    username = forms.RegexField(
        regex=r"^[\w.@+-]+\Z",
        max_length=150,
        error_messages={
            "required": "Enter a username",
            "invalid": "Username must contain only letters, numbers and . @ + - _",
            "max_length": "Username must be 150 characters or fewer",
        },
    )
    full_name = forms.CharField(
        required=False,
        max_length=150,
        error_messages={"max_length": "Full name must be 150 characters or fewer"},
    )
    email = forms.EmailField(
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.org"},
    )
    role = forms.ChoiceField(
        choices=Role.Name.choices, error_messages={"required": ROLE_ERROR, "invalid_choice": ROLE_ERROR}
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        user = User.objects.filter(username=data.get("username", "")).first()
        if user is not None and data.get("role"):
            if Role.objects.filter(user=user, partnership=self.partnership, name=data["role"]).exists():
                self.add_error("role", f"{user.username} already has that role in this partnership")
        self.existing = user
        return data


def invitation_link(request: HttpRequest, user: User) -> str:
    """The one-time link with which an invited person chooses their password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return request.build_absolute_uri(
        reverse("invitation", args=[uid, default_token_generator.make_token(user)])
    )


def _people(partnership: Partnership) -> list[dict[str, Any]]:
    by_user: dict[int, dict[str, Any]] = {}
    for role in (
        Role.objects.filter(partnership=partnership).select_related("user").order_by("user__username")
    ):
        row = by_user.setdefault(role.user_id, {"user": role.user, "roles": []})
        row["roles"].append(role)
    return list(by_user.values())


def _context(partnership: Partnership, form: InviteForm, **extra: Any) -> dict[str, Any]:
    return {
        "title": ("Error: " if form.errors else "") + f"People – {partnership.name}",
        "partnership": partnership,
        "people": _people(partnership),
        "form": form,
        "role_choices": Role.Name.choices,
        "nav_active": "partnerships",
        "breadcrumbs": [
            {"text": "Partnerships", "href": reverse("home")},
            {"text": partnership.name, "href": reverse("partnership", args=[partnership.slug])},
        ],
        **extra,
    }


@people_manager
def members(request: HttpRequest, partnership: Partnership) -> HttpResponse:
    """Who holds which role; the form to invite someone or give an existing account a role."""
    form = InviteForm(request.POST if request.method == "POST" else None, partnership=partnership)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        link = ""
        with transaction.atomic():
            user = form.existing
            if user is None:
                first, _, last = data["full_name"].strip().partition(" ")
                user = User(username=data["username"], email=data["email"], first_name=first, last_name=last)
                user.set_unusable_password()
                # The account itself is not copied into the trail (it holds the password hash);
                # the role given to it is.
                user.save()
            audited_save(
                request.user, Role(user=user, partnership=partnership, name=data["role"]), via=VIA_PEOPLE
            )
        label = Role.Name(data["role"]).label
        if form.existing is None:
            link = invitation_link(request, user)
            messages.success(
                request,
                f"Invited {user.username} as {label}. Send them this link to choose their password "
                f"(it works once): {link}",
            )
        else:
            messages.success(request, f"Gave {user.username} the role {label}")
        return redirect("members", slug=partnership.slug)
    return render(
        request, "partnerships/members.html", _context(partnership, form), status=400 if form.errors else 200
    )


@require_POST
@people_manager
def remove_role(request: HttpRequest, partnership: Partnership, role_id: int) -> HttpResponse:
    """Take one role away from one person."""
    role = get_object_or_404(Role, pk=role_id, partnership=partnership)
    if role.user_id == request.user.pk and role.name == Role.Name.ADMINISTRATOR:
        messages.success(
            request, "You cannot take away your own administrator role; ask another administrator"
        )
        return redirect("members", slug=partnership.slug)
    with transaction.atomic():
        audited_delete(request.user, role, via=VIA_PEOPLE)
    messages.success(request, f"Took the role {role.get_name_display()} away from {role.user.username}")
    return redirect("members", slug=partnership.slug)


@require_POST
@people_manager
def deactivate(request: HttpRequest, partnership: Partnership, user_id: int) -> HttpResponse:
    """Take away every role a person holds in the partnership; switch the account off if none remain."""
    user = get_object_or_404(User, pk=user_id, roles__partnership=partnership)
    if user.pk == request.user.pk:
        messages.success(request, "You cannot switch off your own account; ask another administrator")
        return redirect("members", slug=partnership.slug)
    with transaction.atomic():
        for role in Role.objects.filter(user=user, partnership=partnership):
            audited_delete(request.user, role, via=VIA_PEOPLE)
        switched_off = not Role.objects.filter(user=user).exists() and not user.is_superuser
        if switched_off:
            user.is_active = False
            user.save(update_fields=["is_active"])
            record(request.user, user, {"is_active": True}, {"is_active": False}, via=VIA_PEOPLE)
    what = "and switched the account off" if switched_off else "(they keep their roles in other partnerships)"
    messages.success(request, f"Took every role in this partnership away from {user.username} {what}")
    return redirect("members", slug=partnership.slug)


def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """An invited person chooses their password, once."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))), is_active=True)
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    valid = user is not None and default_token_generator.check_token(user, token)
    form = SetPasswordForm(user, request.POST if request.method == "POST" and valid else None)
    if valid:
        form.fields["new_password1"].error_messages["required"] = "Enter a password"
        form.fields["new_password2"].error_messages["required"] = "Enter the password again"
    if valid and form.is_bound and form.is_valid():
        form.save()
        messages.success(request, "Your password is set. Sign in with your username and the password")
        return redirect("sign-in")
    context = {
        "title": ("Error: " if form.errors else "") + "Choose your password",
        "valid": valid,
        "form": form,
        "username": user.username if user else "",
    }
    return render(request, "partnerships/invitation.html", context, status=200 if valid else 404)
