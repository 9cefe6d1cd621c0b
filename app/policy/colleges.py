"""Whose college it is: the one test every college action's predicate starts from."""

from app.models import Role, User


def is_college_coordinator(user: User, college_id: int | None) -> bool:
    """Whether the user is a coordinator of this college (the one test every college action's
    predicate starts from)."""
    return (user.role == Role.COORDINATOR and college_id is not None
            and user.college_id == college_id)
