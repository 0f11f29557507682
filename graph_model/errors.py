"""One exception tree for the whole hub; stores translate driver errors into it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """Which input field is wrong and why (``field`` is a dotted path)."""

    field: str
    message: str


class HubError(Exception):
    """Root of every error the hub raises on purpose."""

    code = "HUB_ERROR"

    def __init__(self, message: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])

    def __str__(self) -> str:
        if not self.errors:
            return self.message
        details = "; ".join(f"{e.field}: {e.message}" for e in self.errors[:10])
        more = f" (+{len(self.errors) - 10} more)" if len(self.errors) > 10 else ""
        return f"{self.message}: {details}{more}"


class NotFound(HubError):
    code = "NOT_FOUND"


class Conflict(HubError):
    """A unique key is taken, or the change contradicts what the graph holds."""

    code = "CONFLICT"


class ValidationFailed(HubError):
    code = "VALIDATION_FAILED"


class StoreUnavailable(HubError):
    """The database cannot be reached or started."""

    code = "STORE_UNAVAILABLE"


class StoreError(HubError):
    """The database refused a statement for a reason that is not the caller's input."""

    code = "STORE_ERROR"


class StatementTimeout(StoreError):
    """A statement ran longer than the per-statement limit (HUB_STATEMENT_TIMEOUT_MS) and was
    stopped; a write that timed out is rolled back whole."""

    code = "STATEMENT_TIMEOUT"


class InvalidTransition(Conflict):
    """A licence cannot move from its current status by the operation asked for."""

    code = "INVALID_TRANSITION"

    def __init__(self, message: str, errors: list[FieldError] | None = None, *, status: str | None = None) -> None:
        super().__init__(message, errors)
        self.status = status  # the status it stays in


class Unauthenticated(HubError):
    """No credentials where they are required, or credentials that are invalid, expired or revoked."""

    code = "UNAUTHENTICATED"


class Forbidden(HubError):
    """The caller's role or province scope does not allow this."""

    code = "FORBIDDEN"


class LimitExceeded(HubError):
    """A request asks for more than a limit allows (depth, aliases, tokens, cost, page, body)."""

    code = "LIMIT_EXCEEDED"


class RateLimited(HubError):
    """A key sent more requests than its rate allows; ``retry_after`` says when to try again."""

    code = "RATE_LIMITED"

    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PersistedQueryNotFound(HubError):
    """A persisted query's hash the server does not know: send the query text with it."""

    code = "PERSISTED_QUERY_NOT_FOUND"


class OperationNotAllowed(HubError):
    """Allow-list mode: the operation is not registered."""

    code = "OPERATION_NOT_ALLOWED"
