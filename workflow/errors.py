"""How the services refuse an action; views turn these into translated messages."""

from django.core.exceptions import PermissionDenied, ValidationError  # noqa: F401 — re-exported


class TransitionRefused(Exception):
    """The action is not available in the object's current state."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
