"""The errors a use case raises; `api/errors.py` maps each class to one HTTP status, once.

Services and ops raise these, never HTTP errors, so the command line and the API agree on
what went wrong. The message is what the person reads, in Chinese.
"""

# The type of the Temporal ApplicationError that carries a refusal out of a workflow (its
# validators, handlers, or the ledger activity refusing a repeated one-time event).
ACTION_REFUSED_TYPE = "ActionRefused"


class DomainError(Exception):
    """A use case cannot go ahead; ``message`` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The case, matter, account or record does not exist (or is not the caller's to see)."""


class ActionRefused(DomainError):
    """The action is not allowed in the current state (HTTP 409)."""


class InvalidInput(DomainError):
    """A field's value is wrong (HTTP 422); ``field`` is its dotted path."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class Unavailable(DomainError):
    """A service the use case needs (Temporal, the database) cannot be reached; retry later."""
