"""Small display helpers of the staff pages."""

from typing import Any

from django import template
from django.utils.translation import gettext as _

from routing import selectors

register = template.Library()


@register.filter
def duration_hm(minutes: int | None) -> str:
    """Working minutes as "Xh Ym" (e.g. 4h 0m); empty when there is no value."""
    if minutes is None or minutes == "":
        return ""
    hours, rest = divmod(max(int(minutes), 0), 60)
    return _("%(hours)dh %(minutes)dm") % {"hours": hours, "minutes": rest}


@register.filter
def person_name(user: Any) -> str:
    """A person's name in Vietnamese order (routing.selectors.person_name); "" for nobody."""
    if user is None:
        return ""
    return selectors.person_name(user.last_name, user.first_name, user.get_username())


@register.simple_tag(takes_context=True)
def action_html(context: template.Context, action: Any) -> str:
    """A case page's action (workflow.views.case.actions.ActionView.html) with the
    page's CSRF token."""
    token = str(context.get("csrf_token") or "")
    # As {% csrf_token %}: nothing when the view declined a token.
    return action.html("" if token == "NOTPROVIDED" else token)  # noqa: S105
