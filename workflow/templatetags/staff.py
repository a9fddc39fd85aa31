"""Small display helpers of the staff pages."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_hm(minutes: int | None) -> str:
    """Working minutes as "Xh Ym" (e.g. 4h 0m); empty when there is no value."""
    if minutes is None or minutes == "":
        return ""
    hours, rest = divmod(max(int(minutes), 0), 60)
    return _("%(hours)dh %(minutes)dm") % {"hours": hours, "minutes": rest}
