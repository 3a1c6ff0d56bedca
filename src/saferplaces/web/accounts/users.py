"""Making accounts: a user, their password, and their roles in partnerships."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from saferplaces.errors import InputError
from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership


@transaction.atomic
def create_user(
    username: str,
    password: str,
    roles: Iterable[tuple[str, str]] = (),
    superuser: bool = False,
) -> User:
    """Create an account with roles, all or nothing.

    Parameters
    ----------
    username
        The new account's username; must not be taken.
    password
        Checked against the password rules (12 characters or more, not common, not all numbers).
    roles
        ``(partnership slug, role name)`` pairs, such as ``("lichfield", "lead_officer")``.
    superuser
        Give the account every permission, including Django's admin.

    Raises
    ------
    InputError
        When the username is taken, the password breaks a rule, or a partnership or role is unknown.
    """
    if not username.strip():
        raise InputError("The username is empty.", "Enter a username.")
    if User.objects.filter(username=username).exists():
        raise InputError(f"There is already an account called {username!r}.", "Choose another username.")
    grants = []
    for slug, name in roles:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            known = ", ".join(Partnership.objects.values_list("slug", flat=True)) or "none yet"
            raise InputError(f"There is no partnership {slug!r}.", f"Use one of: {known}.")
        if name not in Role.Name.values:
            raise InputError(f"There is no role {name!r}.", f"Use one of: {', '.join(Role.Name.values)}.")
        grants.append((partnership, name))
    user = User(username=username, is_staff=superuser, is_superuser=superuser)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InputError(" ".join(exc.messages), "Choose a longer or less common password.") from None
    user.set_password(password)
    user.save()
    for partnership, name in grants:
        Role.objects.create(user=user, partnership=partnership, name=name)
    return user
