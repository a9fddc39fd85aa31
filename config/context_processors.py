from django.conf import settings
from django.http import HttpRequest

# URL namespaces of the staff side: their pages get the staff header and stylesheet.
STAFF_NAMESPACES = frozenset({"staff", "reports", "letters"})


def province(request: HttpRequest) -> dict:
    """The province's names and channels, from configuration (any province runs this code),
    and whether the page belongs to the staff side."""
    match = getattr(request, "resolver_match", None)
    return {
        "PROVINCE": settings.PROVINCE,
        "STAFF_AREA": bool(match and match.namespace in STAFF_NAMESPACES),
    }
