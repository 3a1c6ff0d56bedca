"""Who may do what: one function per permission, each taking the user and the object.

Rules (issue #5):

- Published plans are for everyone. Anything unpublished, and a partnership's
  returns, is for the partnership's own members (any role) and superusers only:
  no user sees another partnership's unpublished data.
- A partnership administrator changes anything in the partnership's plans.
- A lead officer updates the actions they lead.
- A provider submits returns for their own projects.
- Analysts and board members read everything in the partnership; analysts also
  enter and refresh the values of targets (``can_edit_targets``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from saferplaces.web.accounts.models import Role
from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.plans.models import Action, Plan
from saferplaces.web.projects.models import Project

User = AbstractBaseUser | AnonymousUser


def roles(user: User, partnership: Partnership) -> set[str]:
    """The names of the roles ``user`` holds in ``partnership`` (none for anonymous users)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    # Kept on the user object, which lives for one request: a page asks several times (#13).
    held = user.__dict__.setdefault("_saferplaces_roles", {})
    if partnership.pk not in held:
        held[partnership.pk] = frozenset(
            Role.objects.filter(user=user, partnership=partnership).values_list("name", flat=True)
        )
    return set(held[partnership.pk])


def is_active_superuser(user: User) -> bool:
    """A signed-in, active superuser: may do anything in any partnership."""
    return bool(user.is_authenticated and user.is_active and getattr(user, "is_superuser", False))


def is_member(user: User, partnership: Partnership) -> bool:
    """True when the user holds any role in the partnership, or is a superuser."""
    return is_active_superuser(user) or bool(roles(user, partnership))


def can_view_plan(user: User, plan: Plan) -> bool:
    """Published plans for everyone; drafts for the partnership's members."""
    return plan.status == Plan.Status.PUBLISHED or is_member(user, plan.partnership)


def can_edit_plan(user: User, plan: Plan) -> bool:
    """Change the plan, its priorities, targets and risks: administrators."""
    return is_active_superuser(user) or Role.Name.ADMINISTRATOR in roles(user, plan.partnership)


def can_edit_targets(user: User, plan: Plan) -> bool:
    """Add or correct a target's values and refresh them from the data store: administrators, analysts."""
    held = roles(user, plan.partnership)
    return is_active_superuser(user) or bool(held & {Role.Name.ADMINISTRATOR, Role.Name.ANALYST})


def can_edit_risk(user: User, plan: Plan) -> bool:
    """Change the risk register: administrators."""
    return can_edit_plan(user, plan)


def can_update_action(user: User, action: Action) -> bool:
    """Record progress on an action: administrators, and the lead officer who leads it."""
    return action.pk in actions_user_may_update(user, action.priority.plan, [action])


def actions_user_may_update(user: User, plan: Plan, actions: Iterable[Action]) -> set[int]:
    """The ids of those of the plan's ``actions`` the user may update (see :func:`can_update_action`).

    One query for the user's roles, however many actions: the delivery plan page asks for every row.
    """
    held = roles(user, plan.partnership)
    if is_active_superuser(user) or Role.Name.ADMINISTRATOR in held:
        return {action.pk for action in actions}
    if Role.Name.LEAD_OFFICER not in held:
        return set()
    return {
        action.pk for action in actions if action.lead_user_id is not None and action.lead_user_id == user.pk
    }


def can_view_project(user: User, project: Project) -> bool:
    """See a project's page: as its plan is seen; a project outside any plan, the partnership's members."""
    if project.plan is not None:
        return can_view_plan(user, project.plan)
    return is_member(user, project.partnership)


def can_view_returns(user: User, project: Project) -> bool:
    """See a project's quarterly returns: the partnership's members."""
    return is_member(user, project.partnership)


def can_submit_return(user: User, project: Project) -> bool:
    """Submit a quarterly return: administrators, and the project's own providers."""
    held = roles(user, project.partnership)
    if is_active_superuser(user) or Role.Name.ADMINISTRATOR in held:
        return True
    return Role.Name.PROVIDER in held and project.provider_users.filter(pk=user.pk).exists()
