"""Who may do what with board packs (issue 11): one function per permission.

- Every member of the partnership (any role) reads its board packs; no one outside it does.
- Administrators build packs and edit what the board is asked.
- Administrators and the chair of the board sign a pack off.
"""

from __future__ import annotations

from saferplaces.web.accounts.models import Role
from saferplaces.web.accounts.permissions import User, is_active_superuser, roles
from saferplaces.web.assessments.access import member_partnership
from saferplaces.web.partnerships.models import Partnership

__all__ = ["can_build_pack", "can_sign_off", "member_partnership"]


def can_build_pack(user: User, partnership: Partnership) -> bool:
    """Build a board pack and edit its asks: administrators."""
    return is_active_superuser(user) or Role.Name.ADMINISTRATOR in roles(user, partnership)


def can_sign_off(user: User, partnership: Partnership) -> bool:
    """Sign a board pack off: administrators and the chair."""
    return is_active_superuser(user) or bool(
        roles(user, partnership) & {Role.Name.ADMINISTRATOR, Role.Name.CHAIR}
    )
