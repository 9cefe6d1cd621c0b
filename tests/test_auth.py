"""Signing in and out, sessions, cookies, rate limits, CSRF and the safe `next` redirect."""

import uuid

import pytest

from app.extensions import db
from app.models import AuditEvent, Role, User
from tests import builders
from tests.conftest import login

WRONG = "Неверная электронная почта, телефон или пароль."


def test_login_and_logout(client):
    user = builders.coordinator(email="coord@example.kz")
    db.session.commit()
    response = login(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert user.college.name in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_email_is_case_insensitive(client):
    user = builders.admin(email="admin@example.kz")
    db.session.commit()
    response = client.post("/login", data={"email": "  Admin@Example.KZ ",
                                           "password": builders.PASSWORD})
    assert response.status_code == 302, user


@pytest.mark.parametrize("which", ["unknown email", "wrong password"])
def test_wrong_email_and_wrong_password_get_the_same_message(client, which):
    user = builders.admin(email="real@example.kz")
    db.session.commit()
    email = "nobody@example.kz" if which == "unknown email" else user.email
    password = builders.PASSWORD if which == "unknown email" else "wrong password!"
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 200
    assert WRONG in response.get_data(as_text=True)


def test_empty_and_overlong_fields_are_refused_with_messages(client):
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Укажите электронную почту или номер телефона." in page
    assert "Введите пароль." in page
    page = client.post("/login", data={"email": "a" * 300 + "@x.kz", "password": "x"}).get_data(
        as_text=True
    )
    assert "field--invalid" in page


def test_invited_user_without_password_cannot_sign_in(client):
    user = builders.mentor(password_hash=None)
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": ""})
    assert response.status_code == 200
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_sign_in(client):
    user = builders.student(active=False)
    db.session.commit()
    assert WRONG in login(client, user).get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account/password", "/account/password"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirects_only_to_our_own_paths(client, target, expected):
    user = builders.admin()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": builders.PASSWORD,
                                           "next": target})
    assert response.headers["Location"] == expected


def test_logout_ends_every_copy_of_the_session(app):
    user = builders.employer()
    db.session.commit()
    first, second = app.test_client(), app.test_client()
    login(first, user)
    login(second, user)
    assert second.get("/").status_code == 200
    first.post("/logout")
    assert second.get("/").status_code == 302


def test_password_change_ends_other_sessions_and_is_audited(app):
    user = builders.mentor()
    db.session.commit()
    this, other = app.test_client(), app.test_client()
    login(this, user)
    login(other, user)
    response = this.post("/account/password", data={
        "current_password": builders.PASSWORD,
        "new_password": "a brand new secret",
        "confirm": "a brand new secret",
    })
    assert response.status_code == 302
    assert this.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert db.session.query(AuditEvent).filter_by(action="password_changed").count() == 1
    fresh = app.test_client()
    assert login(fresh, user, "a brand new secret").status_code == 302


def test_password_change_with_wrong_current_password_changes_nothing(client):
    user = builders.mentor()
    db.session.commit()
    before = user.password_hash
    login(client, user)
    page = client.post("/account/password", data={
        "current_password": "not it at all", "new_password": "a brand new secret",
        "confirm": "a brand new secret",
    }).get_data(as_text=True)
    assert "Текущий пароль указан неверно." in page
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == before


def test_passwords_are_hashed_with_argon2(app):
    user = builders.student()
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("app_config", [{"LOGIN_RATE_LIMIT": "3 per minute"}])
def test_repeated_failed_logins_are_rate_limited(client):
    user = builders.admin()
    db.session.commit()
    for _ in range(3):
        assert client.post("/login", data={"email": user.email, "password": "x"}).status_code == 200
    response = client.post("/login", data={"email": user.email, "password": builders.PASSWORD})
    assert response.status_code == 429
    assert "Слишком много попыток" in response.get_data(as_text=True)


def _redis_up() -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.skipif(not _redis_up(), reason="Redis is not running on 127.0.0.1:6379")
@pytest.mark.parametrize(
    "app_config",
    [{"LOGIN_RATE_LIMIT": "2 per minute", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
      "RATELIMIT_KEY_PREFIX": f"shakirt-test-{uuid.uuid4().hex}"}],
)
def test_rate_limit_can_live_in_redis(client):
    user = builders.admin()
    db.session.commit()
    for _ in range(2):
        client.post("/login", data={"email": user.email, "password": "x"})
    assert client.post("/login", data={"email": user.email, "password": "x"}).status_code == 429


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_missing_or_forged_csrf_token_is_refused(client):
    user = builders.admin()
    db.session.commit()
    for token in (None, "forged-token"):
        data = {"email": user.email, "password": builders.PASSWORD}
        if token:
            data["csrf_token"] = token
        response = client.post("/login", data=data)
        assert response.status_code == 400
        assert "Форма устарела" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client):
    user = builders.admin()
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": builders.PASSWORD,
                                            "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_security_headers_and_no_store(client):
    user = builders.admin()
    db.session.commit()
    login(client, user)
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_roles_are_the_five_of_the_domain():
    assert {r.value for r in Role} == {"admin", "coordinator", "employer", "mentor", "student"}
