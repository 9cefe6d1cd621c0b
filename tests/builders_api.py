"""API tokens for tests: a person's or an organisation's, and the headers that carry them."""

from datetime import datetime

from app.api import tokens
from app.models import College, Enterprise, Role, TokenScope, User, utcnow
from tests import builders


def personal(user: User, scope: TokenScope = TokenScope.READ_WRITE, days: int = 30,
             now: datetime | None = None) -> str:
    return tokens.create_personal_token(user, name=f"test {user.id}", days=days, scope=scope,
                                        now=now or utcnow()).secret


def organisation(org: College | Enterprise, scope: TokenScope = TokenScope.READ_WRITE,
                 admin: User | None = None) -> str:
    admin = admin or builders.user(Role.ADMIN)
    return tokens.issue_organisation_token(admin, org, name="1С колледжа", days=90,
                                           scope=scope, now=utcnow()).secret


def auth(secret: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}", **extra}
