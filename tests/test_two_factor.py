"""Two-factor sign-in (pyotp): set up with a QR code and a first code, then a code after the
password; codes never accepted twice, recovery codes once each; required for admins when told."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, RecoveryCode, TwoFactor
from tests import builders
from tests.conftest import login


def _secret(page: str) -> str:
    found = re.search(r'<code class="secret-key">([A-Z2-7]+)</code>', page)
    assert found, "no key on the page"
    return found.group(1)


def _enable(client) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    assert "<svg" in page and "QR" in page
    secret = _secret(page)
    done = client.post("/account/two-factor", data={"enable-code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([0-9A-F]{5}-[0-9A-F]{5})</code></li>", done.get_data(
        as_text=True))
    assert len(codes) == 10
    return secret, codes


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def coordinator_with_factor(login_as, client):
    user = builders.coordinator()
    login_as(user)
    secret, codes = _enable(client)
    client.post("/logout")
    return user, secret, codes


def test_a_coordinator_turns_it_on_and_then_signs_in_with_a_code(coordinator_with_factor,
                                                                  client, frozen_clock):
    user, secret, _codes = coordinator_with_factor
    assert db.session.get(TwoFactor, user.id).confirmed_at is not None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "two_factor_enabled")) == 1
    response = login(client, user)
    assert response.headers["Location"].endswith("/login/code")
    assert not _signed_in(client)  # the password alone does not sign in
    frozen_clock.shift(timedelta(seconds=31))  # the set-up code's step is spent
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 302
    assert _signed_in(client)


def test_a_wrong_first_code_leaves_it_off(login_as, client):
    user = builders.coordinator()
    login_as(user)
    client.get("/account/two-factor")
    page = client.post("/account/two-factor", data={"enable-code": "000000"}).get_data(
        as_text=True)
    assert "Код не подошёл" in page
    assert db.session.get(TwoFactor, user.id).confirmed_at is None


def test_a_code_is_never_taken_twice(coordinator_with_factor, client, frozen_clock):
    user, secret, _codes = coordinator_with_factor
    frozen_clock.shift(timedelta(seconds=31))
    code = pyotp.TOTP(secret).now()
    login(client, user)
    assert client.post("/login/code", data={"code": code}).status_code == 302
    client.post("/logout")
    login(client, user)
    page = client.post("/login/code", data={"code": code}).get_data(as_text=True)
    assert "Код не подошёл" in page
    assert not _signed_in(client)


def test_a_recovery_code_opens_once(coordinator_with_factor, client):
    user, _secret_, codes = coordinator_with_factor
    login(client, user)
    assert client.post("/login/code", data={"code": codes[0].lower()}).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None))) == 1
    client.post("/logout")
    login(client, user)
    page = client.post("/login/code", data={"code": codes[0]}).get_data(as_text=True)
    assert "Код не подошёл" in page


def test_wrong_codes_are_limited(coordinator_with_factor, client):
    user, _secret_, _codes = coordinator_with_factor
    login(client, user)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "123456"}).status_code == 200
    refused = client.post("/login/code", data={"code": "123456"})
    assert refused.status_code == 429
    assert "Слишком много неверных кодов" in refused.get_data(as_text=True)


def test_the_password_step_expires(coordinator_with_factor, client, frozen_clock):
    user, secret, _codes = coordinator_with_factor
    login(client, user)
    frozen_clock.shift(timedelta(minutes=11))
    response = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert response.headers["Location"].endswith("/login")
    assert not _signed_in(client)


@pytest.mark.parametrize("code", ["\x00\x00\x00", "٣٣٣٣٣٣", "1" * 200, "<script>"])
def test_hostile_codes_are_refused_in_words(coordinator_with_factor, client, code):
    user, _secret_, _codes = coordinator_with_factor
    login(client, user)
    response = client.post("/login/code", data={"code": code})
    assert response.status_code == 200
    assert 'class="field__error"' in response.get_data(as_text=True)


def test_turning_it_off_takes_the_password_and_a_code(coordinator_with_factor, client,
                                                      frozen_clock):
    user, secret, codes = coordinator_with_factor
    login(client, user)
    client.post("/login/code", data={"code": codes[1]})
    frozen_clock.shift(timedelta(seconds=31))
    wrong = client.post("/account/two-factor", data={
        "disable-password": "not it", "disable-code": pyotp.TOTP(secret).now()})
    assert "Пароль указан неверно." in wrong.get_data(as_text=True)
    assert db.session.get(TwoFactor, user.id) is not None
    client.post("/account/two-factor", data={"disable-password": builders.PASSWORD,
                                             "disable-code": pyotp.TOTP(secret).now()})
    db.session.expire_all()
    assert db.session.get(TwoFactor, user.id) is None
    client.post("/logout")
    assert login(client, user).headers["Location"].endswith("/")


@pytest.mark.parametrize("app_config", [{"TWO_FACTOR_REQUIRED_ROLES": ("admin",)}])
def test_an_admin_must_set_it_up_before_the_first_sign_in(client, frozen_clock):
    admin = builders.admin()
    db.session.commit()
    assert login(client, admin).headers["Location"].endswith("/login/code")
    page = client.get("/login/code").get_data(as_text=True)
    assert "Включите двухфакторный вход" in page
    secret = _secret(page)
    done = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert "Сохраните коды восстановления" in done.get_data(as_text=True)
    assert _signed_in(client)
    frozen_clock.shift(timedelta(seconds=31))
    page = client.post("/account/two-factor", data={
        "disable-password": builders.PASSWORD, "disable-code": pyotp.TOTP(secret).now()}
    ).get_data(as_text=True)
    assert "обязателен" in page
    assert db.session.get(TwoFactor, admin.id) is not None


@pytest.mark.parametrize("role", ["mentor", "student", "employer"])
def test_other_roles_are_not_offered_it(login_as, client, role):
    user = {"mentor": builders.mentor, "student": builders.student,
            "employer": builders.employer}[role]()
    login_as(user)
    assert client.get("/account/two-factor").status_code == 404
    assert "Двухфакторный вход" not in client.get("/").get_data(as_text=True)
