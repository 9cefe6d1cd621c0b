"""Time how long the demo world takes to load, wall clock and CPU, on SQLite or PostgreSQL.

Run on demand, not in the test suite (a timed assertion fails on a busy machine):

    .venv/bin/python bench/demo_world.py                          # regional world, SQLite in /tmp
    .venv/bin/python bench/demo_world.py --scale small
    .venv/bin/python bench/demo_world.py --postgres postgresql://postgres@127.0.0.1/shakirt_bench

The database is emptied first (a PostgreSQL one gets a fresh schema through the migrations).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.demo import load_world  # noqa: E402
from app.extensions import db  # noqa: E402
from app.maintenance import refresh_planner_statistics  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="region", choices=["small", "region", "national"])
    parser.add_argument("--postgres", metavar="URL", help="load into this PostgreSQL database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres or f"sqlite:///{folder}/bench_world.db"
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                          "RATELIMIT_STORAGE_URI": "memory://"})
        with app.app_context():
            from flask_migrate import upgrade

            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            upgrade()
            wall, cpu = time.perf_counter(), time.process_time()
            counts = load_world(args.scale)
            db.session.commit()
            refresh_planner_statistics(db.session)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rows = sum(counts.values())
            print(f"{args.scale} world on {db.engine.dialect.name}: {rows:,} rows in "
                  f"{wall:.1f} s wall, {cpu:.1f} s of this process's CPU")
            db.engine.dispose()


if __name__ == "__main__":
    main()
