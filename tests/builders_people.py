"""Builders for the organisations/people/invitations tests: a coordinator with a ready college."""

from dataclasses import dataclass
from datetime import date

from app.domain.identifiers import check_digit, make_bin, make_iin
from app.extensions import db
from app.models import College, Group, Partnership, User
from app.people.emails import placeholder_email
from tests import builders


@dataclass
class CollegeDesk:
    """A coordinator, their college and a group, plus a partner enterprise with a mentor."""

    coordinator: User
    college: College
    group: Group
    enterprise: object
    mentor: User


def desk() -> CollegeDesk:
    coordinator = builders.coordinator()
    group = builders.group(coordinator.college)
    enterprise = builders.enterprise()
    db.session.add(Partnership(college_id=coordinator.college_id, enterprise_id=enterprise.id))
    # A foreman without an e-mail and without a password: the usual case before an invitation.
    mentor = builders.mentor(enterprise, password_hash=None, email=placeholder_email())
    db.session.flush()
    return CollegeDesk(coordinator, coordinator.college, group, enterprise, mentor)


_serial = iter(range(7000, 100_000))


def iin(born: date = date(2000, 3, 15)) -> str:
    return make_iin(born, next(_serial) * 10)


def bin_() -> str:
    return make_bin(date(2010, 6, 1), next(_serial) * 10)


def wrong_check_digit(number: str) -> str:
    """The same number with a wrong last digit."""
    right = check_digit(number[:11])
    return number[:11] + str((right + 1) % 10)
