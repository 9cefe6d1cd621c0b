"""Time each dashboard's server time on the regional (SQLite) and national (PostgreSQL) worlds.

Run on demand, not in the test suite:

    .venv/bin/python bench/dashboards.py                       # regional world on SQLite
    .venv/bin/python bench/dashboards.py --postgres postgresql://postgres@127.0.0.1/shakirt_bench

The SQLite database (instance/bench_region.db by default) is loaded once and reused; a
PostgreSQL database given by URL is loaded with the national world when it is empty. Each
dashboard is requested through the test client several times; the table shows the median and
the fastest run, and the number of SQL statements per request.
"""

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import event, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import DiaryEntry, Placement, PlacementStatus, Role, User  # noqa: E402

PATHS = [
    ("", "/dashboard/"),
    ("2025", "/dashboard/?year=2025"),
    ("CSV наставники", "/dashboard/export/mentors.csv"),
]
HOME = [("home", "/")]
# The dashboards belong to the admin, the coordinator and the employer; everyone has a home.
PATHS_OF = {"admin": PATHS + HOME, "coordinator": PATHS + HOME, "employer": PATHS + HOME,
            "mentor": HOME, "student": HOME}


@dataclass
class Timing:
    scale: str
    database: str
    role: str
    view: str
    queries: int
    median_ms: float
    best_ms: float


def make_app(url: str) -> Flask:
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
        "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
    })


def ensure_world(app: Flask, scale: str) -> None:
    """Build the schema and load the demo world unless the database already holds one."""
    from flask_migrate import upgrade

    from app.demo import database_is_empty, load_world

    with app.app_context():
        upgrade()
        if database_is_empty():
            started = time.perf_counter()
            counts = load_world(scale=scale, seed=2025)
            db.session.commit()
            print(f"loaded the {scale} world in {time.perf_counter() - started:.0f} s: "
                  f"{counts.get('placements', 0):,} placements, "
                  f"{counts.get('diary_entries', 0):,} diary entries, "
                  f"{counts.get('graduate_outcomes', 0):,} graduate outcomes", flush=True)
        else:
            print(f"reusing the world already in {db.engine.url.render_as_string()}", flush=True)


def busiest_users(app: Flask) -> dict[str, str]:
    """The admin, the coordinator of the college with most placements, the employer of the
    enterprise with most placements, the mentor with most active trainees and the student with
    the longest diary on an active placement: the heaviest dashboard and home of each role."""
    with app.app_context():
        def top(column):
            return (select(column).group_by(column)
                    .order_by(func.count().desc(), column).limit(1))

        return {
            "admin": db.session.scalar(select(User.email).where(User.role == Role.ADMIN)
                                       .order_by(User.id).limit(1)),
            "coordinator": db.session.scalar(select(User.email).where(
                User.role == Role.COORDINATOR, User.college_id.in_(top(Placement.college_id)))
                .order_by(User.id).limit(1)),
            "employer": db.session.scalar(select(User.email).where(
                User.role == Role.EMPLOYER, User.enterprise_id.in_(top(Placement.enterprise_id)))
                .order_by(User.id).limit(1)),
            "mentor": db.session.scalar(select(User.email).where(User.id.in_(
                top(Placement.mentor_id).where(Placement.status == PlacementStatus.ACTIVE)))),
            "student": db.session.scalar(select(User.email).where(User.id.in_(
                select(Placement.student_id).join(DiaryEntry)
                .where(Placement.status == PlacementStatus.ACTIVE)
                .group_by(Placement.student_id).order_by(func.count().desc()).limit(1)))),
        }


def time_dashboards(app: Flask, scale: str, runs: int) -> list[Timing]:
    from app.demo import DEMO_PASSWORD

    database = "PostgreSQL" if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgres") \
        else "SQLite"
    with app.app_context():
        engine = db.engine
    timings = []
    for role, email in busiest_users(app).items():
        if email is None:
            print(f"no {role} account in the world; skipped", flush=True)
            continue
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, f"cannot sign in as {email}"
        for view, path in PATHS_OF[role]:
            client.get(path)  # warm the caches and the template
            durations, statements = [], []
            for _ in range(runs):
                count = [0]

                def counter(*_args, count=count):
                    count[0] += 1

                event.listen(engine, "before_cursor_execute", counter)
                started = time.perf_counter()
                response = client.get(path)
                durations.append(1000 * (time.perf_counter() - started))
                event.remove(engine, "before_cursor_execute", counter)
                assert response.status_code == 200, (path, response.status_code)
                statements.append(count[0])
            timings.append(Timing(scale, database, role, view or "по умолчанию",
                                  statements[-1], statistics.median(durations), min(durations)))
            print(f"  {role:12} {view or 'default':16} {statistics.median(durations):8.0f} ms",
                  flush=True)
    return timings


def print_table(timings: list[Timing]) -> None:
    print()
    print("| scale | database | dashboard | view | queries | median, ms | best, ms |")
    print("|---|---|---|---|---:|---:|---:|")
    for t in timings:
        print(f"| {t.scale} | {t.database} | {t.role} | {t.view} | {t.queries} | "
              f"{t.median_ms:.0f} | {t.best_ms:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", default=str(ROOT / "instance" / "bench_region.db"),
                        help="SQLite file for the regional world (reused when present)")
    parser.add_argument("--postgres", help="PostgreSQL URL for the national world")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    timings: list[Timing] = []
    if not args.skip_sqlite:
        app = make_app(f"sqlite:///{Path(args.sqlite).resolve()}")
        ensure_world(app, "region")
        timings += time_dashboards(app, "region", args.runs)
    if args.postgres:
        url = args.postgres
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        app = make_app(url)
        ensure_world(app, "national")
        with app.app_context():
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        timings += time_dashboards(app, "national", args.runs)
    print_table(timings)


if __name__ == "__main__":
    main()
