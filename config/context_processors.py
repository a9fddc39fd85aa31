from django.conf import settings
from django.http import HttpRequest


def province(request: HttpRequest) -> dict:
    """The province's names and channels, from configuration (any province runs this code)."""
    return {"PROVINCE": settings.PROVINCE}
