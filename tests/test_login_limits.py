"""Rate limits that mean what they say: per account and address, shared storage, proxies."""

import uuid
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from app import create_app
from app.config import base_config
from app.extensions import db
from tests import builders
from tests.conftest import _config

ATTACKER = {"REMOTE_ADDR": "203.0.113.7"}
OWNER = {"REMOTE_ADDR": "198.51.100.20"}


def _post(client, email, password, environ=None, headers=None):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base=environ or {}, headers=headers or {})


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per 15 minutes"}])
def test_an_attacker_cannot_lock_the_owner_out_from_another_address(app, client):
    user = builders.admin()
    db.session.commit()
    for _ in range(3):
        assert _post(client, user.email, "wrong", ATTACKER).status_code == 200
    refused = _post(client, user.email, builders.PASSWORD, ATTACKER)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    assert "Слишком много попыток входа с этого адреса. Повторите через 15 мин." in page
    assert 840 <= int(refused.headers["Retry-After"]) <= 900
    # The owner, elsewhere, signs in with the right password.
    owner = app.test_client()
    assert _post(owner, user.email, builders.PASSWORD, OWNER).status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per 15 minutes"}])
def test_the_account_key_ignores_case_and_spaces_and_other_accounts_stay_open(app, client):
    user, other = builders.admin(), builders.admin()
    db.session.commit()
    for spelling in (user.email.upper(), f" {user.email} ", user.email):
        _post(client, spelling, "wrong", ATTACKER)
    assert _post(client, user.email, "wrong", ATTACKER).status_code == 429
    assert _post(client, other.email, builders.PASSWORD, ATTACKER).status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "50 per 15 minutes",
                                         "LOGIN_ADDRESS_RATE_LIMIT": "4 per 15 minutes"}])
def test_one_address_cannot_try_account_after_account(app, client):
    users = [builders.admin() for _ in range(5)]
    db.session.commit()
    for user in users[:4]:
        assert _post(client, user.email, "wrong", ATTACKER).status_code == 200
    assert _post(client, users[4].email, builders.PASSWORD, ATTACKER).status_code == 429


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "2 per 15 minutes",
                                         "TRUSTED_PROXIES": 1}])
def test_behind_a_trusted_proxy_each_client_has_its_own_limit(app, client):
    user = builders.admin()
    db.session.commit()
    proxy = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        _post(client, user.email, "wrong", proxy, {"X-Forwarded-For": "203.0.113.7"})
    assert _post(client, user.email, "x", proxy,
                 {"X-Forwarded-For": "203.0.113.7"}).status_code == 429
    owner = app.test_client()
    assert _post(owner, user.email, builders.PASSWORD, proxy,
                 {"X-Forwarded-For": "198.51.100.20"}).status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "2 per 15 minutes"}])
def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(app, client):
    user = builders.admin()
    db.session.commit()
    for n in range(2):
        _post(client, user.email, "wrong", ATTACKER, {"X-Forwarded-For": f"192.0.2.{n}"})
    assert _post(client, user.email, "wrong", ATTACKER,
                 {"X-Forwarded-For": "192.0.2.99"}).status_code == 429


def test_production_without_shared_storage_refuses_to_start(database_url, monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        create_app(_config(database_url, SHAKIRT_ENV="production",
                           RATELIMIT_STORAGE_URI=base_config_storage()))


def base_config_storage() -> str:
    from pathlib import Path

    return base_config(Path("/tmp"))["RATELIMIT_STORAGE_URI"]


def test_redis_url_is_the_rate_limit_storage_when_none_is_named(monkeypatch):
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/3")
    assert base_config_storage() == "redis://127.0.0.1:6379/3"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/4")
    assert base_config_storage() == "redis://127.0.0.1:6379/4"


def test_the_remember_me_cookie_lasts_thirty_days(app, client):
    user = builders.admin()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": builders.PASSWORD,
                                           "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie")
                  if c.startswith("remember_token="))
    expires = next(part.split("=", 1)[1] for part in cookie.split("; ")
                   if part.lower().startswith("expires="))
    lasts = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert timedelta(days=29) < lasts <= timedelta(days=30)


def _redis_up() -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
def test_two_workers_share_the_count_in_redis(app, database_url):
    user = builders.admin()
    db.session.commit()
    shared = {"LOGIN_RATE_LIMIT": "4 per 15 minutes",
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/3",
              "RATELIMIT_KEY_PREFIX": f"shakirt-test-{uuid.uuid4().hex}"}
    workers = [create_app(_config(database_url, **shared)) for _ in range(2)]
    clients = [worker.test_client() for worker in workers]
    for n in range(4):
        assert _post(clients[n % 2], user.email, "wrong", ATTACKER).status_code == 200
    for worker_client in clients:
        assert _post(worker_client, user.email, "wrong", ATTACKER).status_code == 429
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()
