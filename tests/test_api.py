"""The REST API: scoped reads with cursor pages, the diary's write/submit/sign path with
Idempotency-Key and If-Match, the host's hire, the dashboard, and problem-details errors."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    AuditEvent,
    DiaryEntry,
    EntryStatus,
    IdempotentRequest,
    OfferStatus,
    OutcomeKind,
    PlacementStatus,
)
from tests import builders, builders_outcomes
from tests.builders_api import auth, organisation, personal
from tests.builders_practice import last_week

PROBLEM = "application/problem+json"


@pytest.fixture
def trainee(app):
    placement = builders.placement()
    secret = personal(placement.student)
    mentor_secret = personal(placement.mentor)
    db.session.commit()
    return placement, secret, mentor_secret


def _create(client, placement, secret, day=None, hours=6, **extra):
    day = day or last_week().monday
    body = {"placement_id": placement.id, "work_date": day.isoformat(), "hours": hours,
            "activity": "Сварка стыков", **extra}
    return client.post("/api/v1/diary-entries", json=body, headers=auth(secret))


# --- reading ------------------------------------------------------------------------------

def test_lists_are_scoped_to_the_caller(client):
    mine = builders.placement()
    other = builders.placement()
    secret = personal(mine.student)
    db.session.commit()
    response = client.get("/api/v1/placements", headers=auth(secret))
    assert response.status_code == 200
    assert [p["id"] for p in response.json["items"]] == [mine.id]
    assert client.get(f"/api/v1/placements/{other.id}", headers=auth(secret)).status_code == 404


def test_placement_detail_carries_its_status_history(client):
    from app.audit import record

    placement = builders.placement(status=PlacementStatus.DRAFT)
    coordinator = builders.coordinator(placement.college)
    placement.status = PlacementStatus.ACTIVE
    db.session.flush()
    record(coordinator, "activated", placement, {"status": ["draft", "active"]})
    secret = personal(coordinator)
    db.session.commit()
    body = client.get(f"/api/v1/placements/{placement.id}", headers=auth(secret)).json
    assert [(h["previous"], h["status"]) for h in body["status_history"]] == [("draft", "active")]


def test_cursor_pages_walk_the_whole_list_once(client):
    group = builders.group()
    students = [builders.student(group) for _ in range(5)]
    secret = personal(builders.coordinator(group.college))
    db.session.commit()
    seen, cursor = [], None
    for _ in range(5):
        query = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/api/v1/students", query_string=query, headers=auth(secret)).json
        seen += [s["id"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted(s.id for s in students)


def test_a_huge_page_size_is_refused_naming_the_field(client):
    secret = personal(builders.admin())
    db.session.commit()
    response = client.get("/api/v1/colleges?limit=100000", headers=auth(secret))
    assert response.status_code == 400
    assert response.content_type == PROBLEM
    assert response.json["errors"][0]["field"] == "limit"


def test_a_forged_cursor_is_a_400(client):
    secret = personal(builders.admin())
    db.session.commit()
    response = client.get("/api/v1/colleges?cursor=bm9wZQ", headers=auth(secret))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "cursor"


def test_iin_is_masked_unless_the_caller_may_see_it(client):
    placement = builders.placement()
    student = placement.student
    iin = student.student_profile.iin
    coordinator = builders.coordinator(placement.college)
    secrets = {"coordinator": personal(coordinator), "student": personal(student),
               "mentor": personal(placement.mentor)}
    db.session.commit()
    shown = {role: client.get(f"/api/v1/students/{student.id}", headers=auth(s)).json["iin"]
             for role, s in secrets.items()}
    assert shown["coordinator"] == iin and shown["student"] == iin
    assert shown["mentor"] != iin and "•" in shown["mentor"]


def test_a_system_token_reaches_only_its_organisation(client):
    mine = builders.placement()
    other = builders.placement()
    secret = organisation(mine.college)
    db.session.commit()
    listed = client.get("/api/v1/placements", headers=auth(secret)).json["items"]
    assert [p["id"] for p in listed] == [mine.id]
    for path in (f"/api/v1/placements/{other.id}", f"/api/v1/students/{other.student_id}",
                 f"/api/v1/colleges/{other.college_id}"):
        response = client.get(path, headers=auth(secret))
        assert response.status_code == 404, path
        assert response.content_type == PROBLEM


def test_an_enterprise_token_sees_its_trainees_and_no_others(client):
    mine = builders.placement()
    other = builders.placement()
    secret = organisation(mine.enterprise)
    db.session.commit()
    ids = [p["id"] for p in client.get("/api/v1/placements", headers=auth(secret)).json["items"]]
    assert ids == [mine.id]
    assert client.get(f"/api/v1/enterprises/{other.enterprise_id}",
                      headers=auth(secret)).status_code == 404


def test_errors_speak_the_callers_language(client):
    response = client.get("/api/v1/colleges", headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert response.json["title"] == "A valid API token is required."
    kazakh = client.get("/api/v1/colleges", headers={"Accept-Language": "kk"})
    assert kazakh.json["title"] != response.json["title"]
    assert client.get("/api/v1/colleges").json["title"] == "Нужен действующий токен API."


def test_an_unknown_path_under_the_api_is_a_problem(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404 and response.content_type == PROBLEM


def test_a_session_cookie_does_not_authenticate_the_api(client, login_as):
    placement = builders.placement()
    browser = login_as(placement.student)
    response = browser.post("/api/v1/diary-entries", json={
        "placement_id": placement.id, "work_date": last_week().monday.isoformat(),
        "hours": 6, "activity": "x"})
    assert response.status_code == 401
    assert db.session.scalar(select(DiaryEntry.id)) is None


# --- the diary ------------------------------------------------------------------------------

def test_the_trainee_writes_and_the_foreman_signs(client, trainee):
    placement, secret, mentor_secret = trainee
    created = _create(client, placement, secret)
    assert created.status_code == 201, created.json
    entry = created.json
    assert entry["status"] == "draft" and created.headers["ETag"] == f'"{entry["version"]}"'

    submitted = client.post(f"/api/v1/diary-entries/{entry['id']}/submit",
                            headers=auth(secret, **{"If-Match": created.headers["ETag"]}))
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] == "submitted"

    signed = client.post(f"/api/v1/diary-entries/{entry['id']}/approve",
                         headers=auth(mentor_secret, **{"If-Match": submitted.headers["ETag"]}))
    assert signed.status_code == 200, signed.json
    stored = db.session.get(DiaryEntry, entry["id"])
    assert stored.status == EntryStatus.APPROVED
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "diary_entries")).all()
    assert events and all(e.api_token_id is not None for e in events)
    assert {e.api_token.name for e in events} == {f"test {placement.student_id}",
                                                  f"test {placement.mentor_id}"}


def test_the_foreman_cannot_write_and_the_trainee_cannot_sign(client, trainee):
    placement, secret, mentor_secret = trainee
    assert _create(client, placement, mentor_secret).status_code == 403
    entry = builders.entry(placement, last_week().monday)
    db.session.commit()
    response = client.post(f"/api/v1/diary-entries/{entry.id}/approve",
                           headers=auth(secret, **{"If-Match": f'"{entry.version}"'}))
    assert response.status_code == 403
    assert db.session.get(DiaryEntry, entry.id).status == EntryStatus.SUBMITTED


def test_another_foreman_cannot_sign(client, trainee):
    placement, _secret, _mentor = trainee
    entry = builders.entry(placement, last_week().monday)
    stranger = personal(builders.mentor())
    db.session.commit()
    response = client.post(f"/api/v1/diary-entries/{entry.id}/approve",
                           headers=auth(stranger, **{"If-Match": f'"{entry.version}"'}))
    assert response.status_code == 404


def test_over_the_working_time_limit_is_the_pages_refusal(client):
    placement = builders.placement(builders.student(born=date.today() - timedelta(days=17 * 365)))
    secret = personal(placement.student)
    db.session.commit()
    response = _create(client, placement, secret, hours=8)
    assert response.status_code == 422
    assert response.content_type == PROBLEM
    error = response.json["errors"][0]
    assert error["field"] == "hours"
    assert "7,2" in error["message"] or "7" in error["message"]
    assert db.session.scalar(select(DiaryEntry.id)) is None


def test_a_body_outside_the_schema_names_the_field(client, trainee):
    placement, secret, _mentor = trainee
    response = client.post("/api/v1/diary-entries", headers=auth(secret), json={
        "placement_id": placement.id, "work_date": "not a date", "hours": 6,
        "activity": "x", "colour": "red"})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json["errors"]}
    assert {"work_date", "colour"} <= fields


def test_a_stale_version_answers_412_with_the_current_state(client, trainee):
    placement, secret, _mentor = trainee
    created = _create(client, placement, secret).json
    path = f"/api/v1/diary-entries/{created['id']}"
    first = client.put(path, json={"hours": 7, "activity": "Сборка"},
                       headers=auth(secret, **{"If-Match": f'"{created["version"]}"'}))
    assert first.status_code == 200, first.json
    stale = client.put(path, json={"hours": 5, "activity": "Другое"},
                       headers=auth(secret, **{"If-Match": f'"{created["version"]}"'}))
    assert stale.status_code == 412
    assert stale.json["current"]["activity"] == "Сборка"
    assert stale.headers["ETag"] == first.headers["ETag"]
    assert db.session.get(DiaryEntry, created["id"]).activity == "Сборка"


def test_an_update_without_if_match_is_refused(client, trainee):
    placement, secret, _mentor = trainee
    created = _create(client, placement, secret).json
    response = client.put(f"/api/v1/diary-entries/{created['id']}",
                          json={"hours": 7, "activity": "Сборка"}, headers=auth(secret))
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "If-Match"


def test_a_retried_post_is_done_once(client, trainee):
    placement, secret, _mentor = trainee
    body = {"placement_id": placement.id, "work_date": last_week().monday.isoformat(),
            "hours": 6, "activity": "Сварка"}
    headers = auth(secret, **{"Idempotency-Key": "abc-1"})
    first = client.post("/api/v1/diary-entries", json=body, headers=headers)
    again = client.post("/api/v1/diary-entries", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert len(db.session.scalars(select(DiaryEntry)).all()) == 1
    other = client.post("/api/v1/diary-entries", json={**body, "hours": 5}, headers=headers)
    assert other.status_code == 422
    assert other.json["errors"][0]["field"] == "Idempotency-Key"


def test_a_refused_post_is_not_remembered(client, trainee):
    placement, secret, _mentor = trainee
    headers = auth(secret, **{"Idempotency-Key": "k"})
    body = {"placement_id": placement.id, "work_date": last_week().monday.isoformat(),
            "hours": 30, "activity": "x"}
    assert client.post("/api/v1/diary-entries", json=body, headers=headers).status_code == 400
    assert db.session.scalar(select(IdempotentRequest.id)) is None


def test_rejecting_needs_a_comment_in_words(client, trainee):
    placement, _secret, mentor_secret = trainee
    entry = builders.entry(placement, last_week().monday)
    db.session.commit()
    response = client.post(f"/api/v1/diary-entries/{entry.id}/reject", json={},
                           headers=auth(mentor_secret, **{"If-Match": f'"{entry.version}"',
                                                          "Accept-Language": "en"}))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "comment"


# --- outcomes and the dashboard -----------------------------------------------------------

def test_the_host_records_its_graduates_hire(client):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    outcome = builders_outcomes.outcome(placement=placement)
    secret = personal(builders.employer(placement.enterprise))
    db.session.commit()
    got = client.get(f"/api/v1/outcomes/{outcome.id}", headers=auth(secret))
    response = client.post(f"/api/v1/outcomes/{outcome.id}/hire",
                           json={"position": "Сварщик", "hired_on": "2025-08-01"},
                           headers=auth(secret, **{"If-Match": got.headers["ETag"]}))
    assert response.status_code == 200, response.json
    assert response.json["outcome"] == OutcomeKind.HIRED_BY_HOST.value
    assert response.json["offer_status"] == OfferStatus.ACCEPTED.value
    stale = client.post(f"/api/v1/outcomes/{outcome.id}/hire",
                        json={"position": "Мастер", "hired_on": "2025-08-01"},
                        headers=auth(secret, **{"If-Match": got.headers["ETag"]}))
    assert stale.status_code == 412 and stale.json["current"]["position"] == "Сварщик"


def test_another_enterprise_cannot_record_the_hire(client):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    outcome = builders_outcomes.outcome(placement=placement)
    secret = organisation(builders.enterprise())
    db.session.commit()
    response = client.post(f"/api/v1/outcomes/{outcome.id}/hire",
                           json={"position": "Сварщик", "hired_on": "2025-08-01"},
                           headers=auth(secret, **{"If-Match": "*"}))
    assert response.status_code == 404


def test_the_dashboard_has_the_pages_figures_and_filters(client):
    placement = builders.placement()
    secret = personal(builders.coordinator(placement.college))
    student_secret = personal(placement.student)
    db.session.commit()
    response = client.get("/api/v1/dashboard", headers=auth(secret))
    assert response.status_code == 200, response.json
    assert {f["key"] for f in response.json["figures"]} >= {"funnel", "enterprises"}
    foreign = builders.enterprise()
    db.session.commit()
    assert client.get(f"/api/v1/dashboard?enterprise={foreign.id}",
                      headers=auth(secret)).status_code == 404
    assert client.get("/api/v1/dashboard", headers=auth(student_secret)).status_code == 403


def test_a_college_system_token_cannot_write_a_trainees_diary(client):
    placement = builders.placement()
    secret = organisation(placement.college)
    db.session.commit()
    response = _create(client, placement, secret)
    assert response.status_code == 403
    assert db.session.scalar(select(DiaryEntry.id)) is None


def test_an_enterprise_system_records_a_hire_audited_with_its_token(client):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    outcome = builders_outcomes.outcome(placement=placement)
    secret = organisation(placement.enterprise)
    db.session.commit()
    response = client.post(f"/api/v1/outcomes/{outcome.id}/hire",
                           json={"position": "Сварщик", "hired_on": "2025-08-01"},
                           headers=auth(secret, **{"If-Match": "*"}))
    assert response.status_code == 200, response.json
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "hire_recorded"))
    assert event.actor_id is None and event.api_token.name == "1С колледжа"


def test_the_host_records_a_retention_check(client):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    outcome = builders_outcomes.outcome(placement=placement, kind=OutcomeKind.HIRED_BY_HOST,
                                        outcome_date=date(2025, 7, 1))
    secret = personal(builders.employer(placement.enterprise))
    db.session.commit()
    too_early = client.post(f"/api/v1/outcomes/{outcome.id}/retention-checks",
                            json={"months": 6, "checked_on": "2025-08-01",
                                  "still_employed": True},
                            headers=auth(secret, **{"If-Match": "*"}))
    assert too_early.status_code == 422
    assert too_early.json["errors"][0]["field"] == "checked_on"
    done = client.post(f"/api/v1/outcomes/{outcome.id}/retention-checks",
                       json={"months": 6, "checked_on": "2026-01-05", "still_employed": True},
                       headers=auth(secret, **{"If-Match": "*"}))
    assert done.status_code == 200, done.json
    assert done.json["retention_checks"][0]["months"] == 6


def test_without_accept_language_the_token_owners_language_is_used(client):
    user = builders.admin(locale="kk")
    secret = personal(user)
    db.session.commit()
    response = client.get("/api/v1/colleges?limit=0", headers=auth(secret))
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "kk"
    assert response.json["title"] == "Сұрау тексеруден өтпеді."


def test_the_history_names_the_token_a_change_came_through(client, login_as):
    placement = builders.placement(status=PlacementStatus.COMPLETED)
    outcome = builders_outcomes.outcome(placement=placement)
    secret = organisation(placement.enterprise)
    coordinator = builders.coordinator(placement.college)
    db.session.commit()
    client.post(f"/api/v1/outcomes/{outcome.id}/hire",
                json={"position": "Сварщик", "hired_on": "2025-08-01"},
                headers=auth(secret, **{"If-Match": "*"}))
    page = login_as(coordinator).get(f"/outcomes/{outcome.id}").get_data(as_text=True)
    assert "через API, токен «1С колледжа»" in page


def test_a_key_is_forgotten_after_a_day(client, trainee, frozen_clock):
    placement, secret, _mentor = trainee
    headers = auth(secret, **{"Idempotency-Key": "daily"})
    body = {"placement_id": placement.id, "work_date": last_week().monday.isoformat(),
            "hours": 6, "activity": "Сварка"}
    assert client.post("/api/v1/diary-entries", json=body, headers=headers).status_code == 201
    frozen_clock.shift(timedelta(hours=25))
    other_day = {**body, "work_date": (last_week().monday + timedelta(days=1)).isoformat()}
    again = client.post("/api/v1/diary-entries", json=other_day, headers=headers)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert len(db.session.scalars(select(IdempotentRequest)).all()) == 1


@pytest.mark.parametrize("path", ["/api/v1/students", "/api/v1/placements",
                                  "/api/v1/outcomes", "/api/v1/assessments",
                                  "/api/v1/diary-entries"])
def test_a_list_runs_the_same_queries_whatever_its_length(client, query_counter, path):
    admin_secret = personal(builders.admin())

    def grow(n):
        for _ in range(n):
            p = builders.placement(status=PlacementStatus.COMPLETED)
            builders.entry(p, p.start_date + timedelta(days=1))
            builders_outcomes.assessment(p)
            builders_outcomes.outcome(placement=p)
        db.session.commit()

    def count() -> int:
        with query_counter() as counter:
            assert client.get(path, headers=auth(admin_secret)).status_code == 200
        return counter.count

    grow(1)
    count()  # the first request also records when the token was last used
    small = count()
    grow(4)
    assert count() == small


def test_a_draft_assessment_is_its_mentors_alone(client):
    placement = builders.placement()
    draft = builders_outcomes.assessment(placement, submitted=False)
    secrets = {"mentor": personal(placement.mentor), "student": personal(placement.student),
               "coordinator": personal(builders.coordinator(placement.college))}
    db.session.commit()
    for role, secret in secrets.items():
        listed = client.get("/api/v1/assessments", headers=auth(secret)).json["items"]
        single = client.get(f"/api/v1/assessments/{draft.id}", headers=auth(secret))
        if role == "mentor":
            assert [a["id"] for a in listed] == [draft.id] and single.status_code == 200
        else:
            assert listed == [] and single.status_code == 404, role


@pytest.mark.parametrize("activity", ["a\x00b", "\ud800", "x\u202eevil", "\x1b[31m"])
def test_hostile_text_is_refused_as_on_the_pages(client, trainee, activity):
    placement, secret, _mentor = trainee
    response = _create(client, placement, secret, activity=activity)
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "activity"
    assert "символ" in response.json["errors"][0]["message"]
    assert db.session.scalar(select(DiaryEntry.id)) is None


def test_a_control_character_in_the_idempotency_key_is_refused(client, trainee):
    placement, secret, _mentor = trainee
    response = client.post("/api/v1/diary-entries", headers=auth(secret, **{
        "Idempotency-Key": "a\tb"}), json={
            "placement_id": placement.id, "work_date": last_week().monday.isoformat(),
            "hours": 6, "activity": "Сварка"})
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "Idempotency-Key"
    assert db.session.scalar(select(DiaryEntry.id)) is None


def test_a_day_in_the_future_is_refused_naming_the_date(client, trainee):
    placement, secret, _mentor = trainee
    response = _create(client, placement, secret, day=date.today() + timedelta(days=2))
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "work_date"
    assert "наперёд" in response.json["errors"][0]["message"]


def test_a_blank_year_on_the_dashboard_page_is_no_year(login_as):
    # Found by tests/test_fuzz.py: "?year=+" passed the filter check, then broke the form.
    browser = login_as(builders.coordinator())
    assert browser.get("/dashboard/?year=+").status_code == 200


def test_a_deputy_signs_through_the_api_as_on_the_page(client, trainee):
    """The API asks the same predicate as the review page: a deputy named for today signs."""
    from app.practice import deputies
    from tests.conftest import FROZEN_AT

    placement, _secret, _mentor = trainee
    entry = builders.entry(placement, last_week().monday)
    deputy = builders.mentor(placement.mentor.enterprise)
    today = FROZEN_AT.date()
    deputies.name_deputy(placement.mentor, placement.mentor, deputy, today, today, today=today)
    stand_in = personal(deputy)
    stranger = personal(builders.mentor(placement.mentor.enterprise))
    db.session.commit()
    refused = client.post(f"/api/v1/diary-entries/{entry.id}/approve",
                          headers=auth(stranger, **{"If-Match": f'"{entry.version}"'}))
    assert refused.status_code in (403, 404)
    assert db.session.get(DiaryEntry, entry.id).status == EntryStatus.SUBMITTED
    signed = client.post(f"/api/v1/diary-entries/{entry.id}/approve",
                         headers=auth(stand_in, **{"If-Match": f'"{entry.version}"'}))
    assert signed.status_code == 200, signed.json
    assert signed.json["status"] == "approved"
    db.session.expire_all()
    stored = db.session.get(DiaryEntry, entry.id)
    assert stored.status == EntryStatus.APPROVED and stored.signed_for_id == placement.mentor_id
