"""The domain's refusals: services raise them, views show them to the user."""


class RuleViolation(Exception):
    """A business rule refused an action; the message is translated and safe to show.

    `field` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message
