"""The bench scripts run on the small world, so they can't rot between two measurements."""

import importlib.util
import sys
from pathlib import Path

from app.demo import load_world
from app.extensions import db

BENCH = Path(__file__).resolve().parent.parent / "bench"


def _bench_module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_pages_bench_measures_every_page_and_the_floor(app):
    pages = _bench_module("pages")
    load_world("small")
    db.session.commit()
    floor, costs = pages.measure(app, runs=1, log=lambda _line: None)
    assert [(c.role, c.page) for c in costs] == [(role, page) for role, page, _ in pages.PAGES]
    assert floor.cpu_ms > 0
    assert all(c.queries > 0 and c.cpu_ms > 0 and c.wall_ms > 0 for c in costs)
    diary = next(c for c in costs if c.page == "diary week")
    assert diary.path.startswith("/diary/") and diary.path[len("/diary/"):].isdigit()


def test_load_bench_refuses_hosts_off_this_machine():
    rules = _bench_module("load_rules")
    assert rules.loopback_refusal("http://127.0.0.1:8000") is None
    assert rules.loopback_refusal("http://localhost:8000") is None
    assert "not a loopback" in rules.loopback_refusal("http://10.0.0.11:8000")
    assert rules.loopback_refusal("") is not None


def test_load_bench_lists_accounts_of_every_role_in_the_mix(app, database_url):
    load = _bench_module("load")
    load_world("small")
    db.session.commit()
    accounts = load.list_accounts(database_url, users=10)
    assert set(accounts) == set(load.MIX)
    assert all(accounts[role] for role in load.MIX)
    assert len(accounts["student"]) == 8  # 70 % of 10, and one to spare
    assert all(email.endswith("shakirt.kz") for emails in accounts.values() for email in emails)
