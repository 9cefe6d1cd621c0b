"""CPU milliseconds per request of each role's main pages, beside a Flask "hello" floor.

Run on demand, not in the test suite:

    .venv/bin/python bench/pages.py                      # regional world on SQLite (reused)
    .venv/bin/python bench/pages.py --skip-sqlite --postgres postgresql://postgres@127.0.0.1/shakirt_load

Each page is requested through the test client by the busiest account of its role (see
`busiest_accounts`), once to warm up and then `--runs` times. The figure to trust on a shared
machine is the CPU time of this process (`time.process_time`) around each request: other
processes' work does not count, where they stretch the wall clock. On SQLite the database's work
is in this process, so it is in the CPU figure; on PostgreSQL the server's work is not (it is in
the wall time). A bare Flask app answering "hello" is requested between the pages' requests, in
the same run, and every page's CPU median is also given as a multiple of that floor.
"""

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import event, func, select

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from dashboards import busiest_users, ensure_world, make_app  # noqa: E402
from hello import hello_app  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    DiaryEntry,
    EntryStatus,
    Placement,
    PlacementStatus,
    User,
)

# (role, page, path); `{placement}` is the student's active placement.
PAGES = [
    ("student", "home", "/"),
    ("student", "diary week", "/diary/{placement}"),
    ("mentor", "home", "/"),
    ("mentor", "review queue", "/review"),
    ("mentor", "progress board", "/progress"),
    ("coordinator", "home", "/"),
    ("coordinator", "students", "/students"),
    ("coordinator", "placements", "/placements/"),
    ("coordinator", "progress board", "/progress"),
    ("coordinator", "outcomes", "/outcomes/"),
    ("coordinator", "dashboard", "/dashboard/"),
    ("employer", "home", "/"),
    ("employer", "outcomes", "/outcomes/"),
    ("employer", "dashboard", "/dashboard/"),
    ("admin", "home", "/"),
    ("admin", "dashboard", "/dashboard/"),
]


@dataclass
class Account:
    email: str
    placement_id: int | None = None


@dataclass
class PageCost:
    role: str
    page: str
    path: str
    queries: int
    cpu_ms: float
    wall_ms: float


def busiest_accounts(app: Flask) -> dict[str, Account]:
    """The heaviest account of each role: the dashboards' busiest admin, coordinator and
    employer (`bench/dashboards.py`), the student whose active placement has most diary entries
    (with that placement, for the diary week) and the mentor with most entries waiting (the
    review queue's heaviest)."""
    users = busiest_users(app)
    with app.app_context():
        session = db.session
        placement_id = session.scalar(
            select(DiaryEntry.placement_id).join(Placement)
            .where(Placement.status == PlacementStatus.ACTIVE)
            .group_by(DiaryEntry.placement_id)
            .order_by(func.count().desc(), DiaryEntry.placement_id).limit(1))
        mentor_id = session.scalar(
            select(Placement.mentor_id).join(DiaryEntry)
            .where(DiaryEntry.status == EntryStatus.SUBMITTED)
            .group_by(Placement.mentor_id)
            .order_by(func.count().desc(), Placement.mentor_id).limit(1))
        accounts = {
            "student": Account(session.scalar(
                select(User.email).join(Placement, Placement.student_id == User.id)
                .where(Placement.id == placement_id)), placement_id),
            "mentor": Account(session.scalar(select(User.email).where(User.id == mentor_id))),
            **{role: Account(users[role]) for role in ("coordinator", "employer", "admin")},
        }
        return {role: account for role, account in accounts.items() if account.email}


def _timed(client, path: str) -> tuple[float, float, int]:
    """CPU ms, wall ms and status of one GET."""
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return 1000 * cpu, 1000 * wall, response.status_code


def measure(app: Flask, runs: int, pages=PAGES, log=print) -> tuple[PageCost, list[PageCost]]:
    """The hello floor and every page's cost: medians over `runs` requests after one warm-up.
    The floor is requested once before each page request, so it shares the machine's state."""
    from app.demo import DEMO_PASSWORD

    with app.app_context():
        engine = db.engine
    floor = hello_app().test_client()
    floor.get("/")
    floor_cpu, floor_wall = [], []
    accounts = busiest_accounts(app)
    costs, clients = [], {}
    for role, page, template in pages:
        account = accounts.get(role)
        if account is None:
            log(f"no {role} account in the world; {page} skipped")
            continue
        if role not in clients:  # one sign-in per role: Argon2 is slow on purpose
            clients[role] = app.test_client()
            response = clients[role].post("/login", data={"email": account.email,
                                                          "password": DEMO_PASSWORD})
            assert response.status_code == 302, f"cannot sign in as {account.email}"
        client = clients[role]
        path = template.format(placement=account.placement_id)
        assert client.get(path).status_code == 200, (role, path)  # warm caches and templates
        cpu, wall, statements = [], [], []
        for _ in range(runs):
            c, w, _status = _timed(floor, "/")
            floor_cpu.append(c)
            floor_wall.append(w)
            count = [0]

            def counter(*_args, count=count):
                count[0] += 1

            event.listen(engine, "before_cursor_execute", counter)
            try:
                c, w, status = _timed(client, path)
            finally:
                event.remove(engine, "before_cursor_execute", counter)
            assert status == 200, (role, path, status)
            cpu.append(c)
            wall.append(w)
            statements.append(count[0])
        cost = PageCost(role, page, path, statements[-1], statistics.median(cpu),
                        statistics.median(wall))
        costs.append(cost)
        log(f"  {role:12} {page:16} {cost.cpu_ms:8.1f} ms CPU {cost.wall_ms:8.1f} ms wall "
            f"{cost.queries:4} queries")
    hello = PageCost("-", "Flask hello (floor)", "/", 0, statistics.median(floor_cpu),
                     statistics.median(floor_wall))
    return hello, costs


def print_table(title: str, floor: PageCost, costs: list[PageCost]) -> None:
    print()
    print(f"{title}; floor: Flask hello {floor.cpu_ms:.2f} ms CPU, {floor.wall_ms:.2f} ms wall")
    print()
    print("| role | page | path | queries | CPU ms (median) | wall ms (median) | × floor (CPU) |")
    print("|---|---|---|---:|---:|---:|---:|")
    for c in costs:
        print(f"| {c.role} | {c.page} | `{c.path}` | {c.queries} | {c.cpu_ms:.1f} | "
              f"{c.wall_ms:.1f} | {c.cpu_ms / floor.cpu_ms:,.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite", default=str(ROOT / "instance" / "bench_region.db"),
                        help="SQLite file for the regional world (loaded when empty)")
    parser.add_argument("--postgres", help="PostgreSQL URL (the national world when empty)")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    if not args.skip_sqlite:
        app = make_app(f"sqlite:///{Path(args.sqlite).resolve()}")
        ensure_world(app, "region")
        print_table("SQLite, " + args.sqlite, *measure(app, args.runs))
    if args.postgres:
        url = args.postgres
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        app = make_app(url)
        ensure_world(app, "national")  # loading refreshes the planner's statistics itself
        print_table("PostgreSQL, " + args.postgres.rsplit("/", 1)[-1], *measure(app, args.runs))


if __name__ == "__main__":
    main()
