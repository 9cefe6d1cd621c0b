"""Who the user is to an object: the tests every action's predicate starts from."""

from app.models import Placement, Role, User


def is_admin(user: User) -> bool:
    """Whether the user is the region's education department."""
    return user.role == Role.ADMIN


def is_college_coordinator(user: User, college_id: int | None) -> bool:
    """Whether the user is a coordinator of this college (the one test every college action's
    predicate starts from)."""
    return (user.role == Role.COORDINATOR and college_id is not None
            and user.college_id == college_id)


def is_enterprise_employer(user: User, enterprise_id: int | None) -> bool:
    """Whether the user is an employer (HR, training lead) of this enterprise."""
    return (user.role == Role.EMPLOYER and enterprise_id is not None
            and user.enterprise_id == enterprise_id)


def is_placement_mentor(user: User, placement: Placement) -> bool:
    """Whether the user is the placement's own foreman (not a deputy)."""
    return user.role == Role.MENTOR and placement.mentor_id == user.id


def is_placement_student(user: User, placement: Placement) -> bool:
    """Whether the user is the placement's trainee."""
    return user.role == Role.STUDENT and placement.student_id == user.id


# What kind of account the user has, for pages that show each role its own layout or choices
# (reading, not an action: an action asks its own predicate).

def is_coordinator(user: User) -> bool:
    return user.role == Role.COORDINATOR


def is_employer(user: User) -> bool:
    return user.role == Role.EMPLOYER


def is_mentor(user: User) -> bool:
    return user.role == Role.MENTOR


def is_student(user: User) -> bool:
    return user.role == Role.STUDENT
