"""Who may do what with assessments (issue #10): one function per permission.

- Every member of the partnership (any role) reads its assessments and the evidence of
  its priorities; no one outside it does (not even when a plan is published).
- Analysts and administrators build assessments.
- Administrators adopt priorities from them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from saferplaces.web.accounts.models import Role
from saferplaces.web.accounts.permissions import User, is_active_superuser, is_member, roles
from saferplaces.web.partnerships.models import Partnership


def can_build(user: User, partnership: Partnership) -> bool:
    """Build an assessment: analysts and administrators."""
    held = roles(user, partnership)
    return is_active_superuser(user) or bool(held & {Role.Name.ANALYST, Role.Name.ADMINISTRATOR})


def can_adopt(user: User, partnership: Partnership) -> bool:
    """Adopt a priority from an assessment, or for a reason the data cannot show: administrators."""
    return is_active_superuser(user) or Role.Name.ADMINISTRATOR in roles(user, partnership)


def member_partnership(request: HttpRequest, slug: str) -> Partnership:
    """The partnership, when the user is one of its members; 404 otherwise (assessments are not public)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    if not is_member(request.user, partnership):
        raise Http404("No assessments here.")
    return partnership
