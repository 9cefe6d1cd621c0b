"""API tokens: made and revoked on the account page, issued to organisations by the admin,
stored hashed, shown once; refused when revoked, expired or read-only; rate-limited per token."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.api import tokens
from app.extensions import db
from app.models import ApiToken, AuditEvent, DiaryEntry, Role, TokenScope, utcnow
from tests import builders
from tests.builders_api import auth, organisation, personal
from tests.builders_practice import last_week


def _entry_body(placement) -> dict:
    return {"placement_id": placement.id, "work_date": last_week().monday.isoformat(),
            "hours": 6, "activity": "Сварка"}


def test_the_account_page_creates_a_token_shown_once_and_stored_hashed(login_as):
    user = builders.coordinator()
    client = login_as(user)
    page = client.post("/account/tokens", data={"name": "Отчёты", "scope": "read",
                                                "days": "30"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    token = db.session.scalar(select(ApiToken))
    secret = html.split('data-token-secret>')[1].split("<")[0]
    assert secret.startswith("shk_") and len(secret) > 40
    assert token.token_hash == tokens.hash_secret(secret) and secret not in token.token_hash
    assert token.user_id == user.id and token.scope == TokenScope.READ
    assert token.expires_at - token.created_at == timedelta(days=30)
    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and token.hint in again
    assert client.get("/api/v1/colleges", headers=auth(secret)).status_code == 200


def test_the_account_page_refuses_a_token_without_a_name(login_as):
    client = login_as(builders.student())
    page = client.post("/account/tokens", data={"name": " ", "scope": "read", "days": "30"})
    assert page.status_code == 422
    assert "Назовите токен" in page.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken.id)) is None


def test_a_lifetime_not_offered_is_refused(login_as):
    client = login_as(builders.student())
    page = client.post("/account/tokens", data={"name": "x", "scope": "read", "days": "9999"})
    assert page.status_code == 422
    assert db.session.scalar(select(ApiToken.id)) is None


def test_a_revoked_token_no_longer_works(client, login_as):
    placement = builders.placement()
    secret = personal(placement.student)
    token = db.session.scalar(select(ApiToken))
    browser = login_as(placement.student)
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    response = client.post("/api/v1/diary-entries", json=_entry_body(placement),
                           headers=auth(secret))
    assert response.status_code == 401
    assert response.json["detail"] == "Токен отозван."
    assert db.session.scalar(select(DiaryEntry.id)) is None
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "api_token_revoked")).actor_id == placement.student_id


def test_nobody_revokes_another_persons_token(login_as):
    owner = builders.coordinator()
    personal(owner)
    token = db.session.scalar(select(ApiToken))
    browser = login_as(builders.admin())
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, token.id).revoked_at is None


def test_an_expired_token_is_refused(client, frozen_clock):
    placement = builders.placement()
    secret = personal(placement.student, days=30)
    db.session.commit()
    frozen_clock.shift(timedelta(days=31))
    response = client.get("/api/v1/placements", headers=auth(secret))
    assert response.status_code == 401
    assert response.json["detail"] == "Срок действия токена истёк."


def test_a_read_only_token_cannot_write(client):
    placement = builders.placement()
    secret = personal(placement.student, scope=TokenScope.READ)
    db.session.commit()
    assert client.get("/api/v1/placements", headers=auth(secret)).status_code == 200
    response = client.post("/api/v1/diary-entries", json=_entry_body(placement),
                           headers=auth(secret))
    assert response.status_code == 403
    assert "только для чтения" in response.json["detail"]
    assert db.session.scalar(select(DiaryEntry.id)) is None


def test_a_blocked_owners_token_stops_working(client):
    user = builders.coordinator()
    secret = personal(user)
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/colleges", headers=auth(secret)).status_code == 401


@pytest.mark.parametrize("header", ["", "Bearer", "Bearer shk_nope", "Basic abc",
                                    "Bearer " + "x" * 5000])
def test_a_missing_or_unknown_token_is_a_401_problem(client, header):
    response = client.get("/api/v1/colleges", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_admin_issues_an_organisation_token(login_as, client):
    college = builders.college()
    other = builders.placement()
    browser = login_as(builders.admin())
    page = browser.post("/admin/api-tokens", data={
        "organisation": f"college:{college.id}", "name": "1С колледжа", "scope": "read_write",
        "days": "365"})
    assert page.status_code == 200
    secret = page.get_data(as_text=True).split('data-token-secret>')[1].split("<")[0]
    token = db.session.scalar(select(ApiToken))
    assert token.college_id == college.id and token.user_id is None
    listed = client.get("/api/v1/colleges", headers=auth(secret)).json["items"]
    assert [c["id"] for c in listed] == [college.id]
    assert client.get(f"/api/v1/placements/{other.id}", headers=auth(secret)).status_code == 404


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.EMPLOYER, Role.MENTOR, Role.STUDENT])
def test_only_the_admin_issues_organisation_tokens(login_as, role):
    user = {Role.COORDINATOR: builders.coordinator, Role.EMPLOYER: builders.employer,
            Role.MENTOR: builders.mentor, Role.STUDENT: builders.student}[role]()
    browser = login_as(user)
    assert browser.get("/admin/api-tokens").status_code == 403
    assert browser.post("/admin/api-tokens", data={"organisation": "college:1", "name": "x",
                                                   "scope": "read", "days": "30"}
                        ).status_code == 403
    assert db.session.scalar(select(ApiToken.id)) is None


def test_an_organisation_that_does_not_exist_is_a_404(login_as):
    browser = login_as(builders.admin())
    response = browser.post("/admin/api-tokens", data={
        "organisation": "college:999999", "name": "x", "scope": "read", "days": "30"})
    assert response.status_code in (404, 422)
    assert db.session.scalar(select(ApiToken.id)) is None


def test_the_admin_revokes_an_organisation_token(login_as, client):
    secret = organisation(builders.enterprise())
    token = db.session.scalar(select(ApiToken))
    browser = login_as(builders.admin())
    assert browser.post(f"/account/tokens/{token.id}/revoke").status_code == 302
    assert client.get("/api/v1/enterprises", headers=auth(secret)).status_code == 401


def test_writes_are_audited_with_the_token(client):
    placement = builders.placement()
    secret = personal(placement.student)
    db.session.commit()
    assert client.post("/api/v1/diary-entries", json=_entry_body(placement),
                       headers=auth(secret)).status_code == 201
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "diary_entries"))
    assert event.actor_id == placement.student_id
    assert event.api_token.name == f"test {placement.student_id}"


def test_the_token_records_when_it_was_last_used(client):
    secret = personal(builders.admin())
    db.session.commit()
    client.get("/api/v1/colleges", headers=auth(secret))
    assert db.session.scalar(select(ApiToken)).last_used_at is not None


class TestRateLimit:
    @pytest.fixture
    def app_config(self):
        return {"API_RATE_LIMIT": "3 per minute"}

    def test_each_token_has_its_own_budget(self, client):
        first, second = personal(builders.admin()), personal(builders.admin())
        db.session.commit()
        codes = [client.get("/api/v1/colleges", headers=auth(first)).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        refused = client.get("/api/v1/colleges", headers=auth(first))
        assert refused.content_type == "application/problem+json"
        assert refused.headers["Retry-After"]
        assert client.get("/api/v1/colleges", headers=auth(second)).status_code == 200


def test_a_token_in_a_cookie_session_is_not_needed_for_the_pages(login_as):
    # The token pages are ordinary pages: signed in by the session, protected by CSRF.
    browser = login_as(builders.student())
    assert browser.get("/account/tokens").status_code == 200


def test_tokens_expire_after_the_chosen_lifetime():
    now = utcnow()
    assert tokens.LIFETIMES == (30, 90, 365)
    with pytest.raises(Exception):  # noqa: B017 — RuleViolation
        tokens.create_personal_token(builders.student(), name="x", days=7, scope="read",
                                     now=now)


class TestWithCsrf:
    @pytest.fixture
    def app_config(self):
        return {"WTF_CSRF_ENABLED": True}

    def test_a_bearer_write_needs_no_csrf_token(self, client):
        placement = builders.placement()
        secret = personal(placement.student)
        db.session.commit()
        response = client.post("/api/v1/diary-entries", json=_entry_body(placement),
                               headers=auth(secret))
        assert response.status_code == 201, response.get_data(as_text=True)

    def test_the_token_page_still_needs_one(self, client):
        user = builders.student()
        db.session.commit()
        page = client.get("/login").get_data(as_text=True)
        csrf = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        client.post("/login", data={"email": user.email, "password": builders.PASSWORD,
                                    "csrf_token": csrf})
        refused = client.post("/account/tokens", data={"name": "x", "scope": "read",
                                                       "days": "30"})
        assert refused.status_code == 400
        assert db.session.scalar(select(ApiToken.id)) is None


def test_the_account_page_has_a_tokens_section(login_as):
    page = login_as(builders.mentor()).get("/account/password").get_data(as_text=True)
    assert 'href="/account/tokens"' in page and 'href="/api/v1/docs"' in page
