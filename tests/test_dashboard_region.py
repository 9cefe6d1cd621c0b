"""The region's number reproduced: with the regional demo world loaded, the admin's dashboard
shows 5,436 graduates of 2025, 4,730 employed in their specialty, 87.0% — computed from the
records — and every dashboard runs as many queries as on the small world."""

import re

import pytest
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD, empty_database, load_world
from app.extensions import db
from app.models import Placement, Role, User
from tests.test_dashboard import table_rows

pytestmark = pytest.mark.slow

PATHS = ("/dashboard/", "/dashboard/?year=2025", "/dashboard/export/mentors.csv")


def _figure(page: str, label: str) -> str:
    match = re.search(
        rf'<p class="figure__label">{re.escape(label)}</p>\s*<p class="figure__value">(.*?)</p>',
        page, re.S)
    assert match, f"no figure {label!r}"
    value = re.sub(r"<[^>]+>", "", match.group(1)).strip()
    # Babel writes Russian thousands with a (narrow) no-break space.
    return value.replace("\xa0", " ").replace("\u202f", " ")


def _heaviest_users() -> dict[Role, User]:
    """The admin, and the coordinator and employer with the most placements."""
    def top(column):
        return select(column).group_by(column).order_by(func.count().desc(), column).limit(1)

    return {
        Role.ADMIN: db.session.scalar(select(User).where(User.role == Role.ADMIN)
                                      .order_by(User.id)),
        Role.COORDINATOR: db.session.scalar(select(User).where(
            User.role == Role.COORDINATOR, User.college_id.in_(top(Placement.college_id)))
            .order_by(User.id)),
        Role.EMPLOYER: db.session.scalar(select(User).where(
            User.role == Role.EMPLOYER, User.enterprise_id.in_(top(Placement.enterprise_id)))
            .order_by(User.id)),
    }


def _query_counts(client, query_counter) -> dict[tuple[Role, str], int]:
    counts = {}
    for role, user in _heaviest_users().items():
        assert user is not None, f"the world has no {role.value}"
        response = client.post("/login", data={"email": user.email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        for path in PATHS:
            with query_counter() as counter:
                assert client.get(path).status_code == 200
            counts[(role, path)] = counter.count
        client.post("/logout")
    return counts


def test_region_dashboard_shows_the_article_figures(app, client, query_counter):
    load_world(scale="small", seed=2025)
    db.session.commit()
    small = _query_counts(client, query_counter)

    empty_database()
    db.session.commit()
    load_world(scale="region", seed=2025)
    db.session.commit()
    region = _query_counts(client, query_counter)
    assert region == small

    admin = _heaviest_users()[Role.ADMIN]
    client.post("/login", data={"email": admin.email, "password": DEMO_PASSWORD})
    for path in ("/dashboard/", "/dashboard/?year=2025"):  # 2025 is also the latest year
        page = client.get(path).get_data(as_text=True)
        assert "Выпуск 2025 года" in page
        assert _figure(page, "Выпускники") == "5 436"
        assert _figure(page, "Работают по специальности") == "4 730"
        assert _figure(page, "Доля трудоустроенных по специальности") == "87,0%"
    # The year's row of the by-year table agrees with the cards.
    row = next(r for r in table_rows(page, "graduates-by-year") if r[0] == "2025")
    assert row[1:4] == ["5 436", "4 730", "87,0%"]
