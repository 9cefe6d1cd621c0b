"""The foreman's review queue: sign-off, rejection with a comment, whole weeks, stale clicks."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app.extensions import db
from app.models import AuditEvent, DiaryEntry, EntryStatus, Notification, utcnow
from app.practice.services import review_entries
from app.rules import RuleViolation
from tests import builders
from tests.builders_practice import last_week


def _fresh(entry: DiaryEntry) -> DiaryEntry:
    db.session.expire_all()
    return db.session.get(DiaryEntry, entry.id)


def _week_of_entries(placement, week, count=5, **kw):
    return [builders.entry(placement, week.monday + timedelta(days=i), submitted_at=utcnow()
                           - timedelta(hours=count - i), **kw) for i in range(count)]


def _approve(client, entry, version=None):
    return client.post(f"/review/entries/{entry.id}",
                       data={"version": version or entry.version, "approve": "y"})


def _reject(client, entry, comment, version=None):
    return client.post(f"/review/entries/{entry.id}",
                       data={"version": version or entry.version, "reject": "y",
                             "comment": comment})


def _week_post(client, placement, week, entries, version=None, **data):
    shown = " ".join(f"{e.id}:{version or e.version}" for e in entries)
    return client.post("/review/week", data={"placement": placement.id, "week": week.code,
                                             "entries": shown, **data})


def _text(response) -> str:
    return response.get_data(as_text=True)


def _audit(entry) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "diary_entries", AuditEvent.object_id == entry.id)))


def test_queue_lists_submitted_entries_of_my_trainees_oldest_first(login_as):
    mentor = builders.mentor()
    first, second = builders.placement(mentor_=mentor), builders.placement(mentor_=mentor)
    week = last_week()
    newer = builders.entry(first, week.monday, submitted_at=utcnow() - timedelta(hours=1),
                           activity="Новая запись")
    older = builders.entry(second, week.monday - timedelta(days=7),
                           submitted_at=utcnow() - timedelta(days=3), activity="Давняя запись")
    builders.entry(first, week.monday + timedelta(days=1), status=EntryStatus.DRAFT,
                   activity="Черновик не виден")
    builders.entry(first, week.monday + timedelta(days=2), status=EntryStatus.APPROVED,
                   activity="Подписанная не видна")
    builders.entry(builders.placement(), week.monday, activity="Чужой практикант")
    page = _text(login_as(mentor).get("/review"))
    assert page.index(older.activity) < page.index(newer.activity)
    for hidden in ("Черновик не виден", "Подписанная не видна", "Чужой практикант"):
        assert hidden not in page
    assert "Ждут подписи: 2" in page


def test_approve_one_entry_records_who_and_when(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    client = login_as(placement.mentor)
    response = _approve(client, entry)
    assert response.status_code == 302
    assert "Подписано записей: 1" in _text(client.get("/review"))
    signed = _fresh(entry)
    assert signed.status == EntryStatus.APPROVED
    assert signed.reviewed_by_id == placement.mentor_id
    assert signed.reviewed_at is not None
    assert _audit(entry) == ["entry_approved"]


def test_double_click_signs_once(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    client = login_as(placement.mentor)
    _approve(client, entry, version=1)
    signed_at = _fresh(entry).reviewed_at
    client.post(f"/review/entries/{entry.id}", data={"version": 1, "approve": "y"})
    assert "уже подписана" in _text(client.get("/review"))
    assert _fresh(entry).reviewed_at == signed_at
    assert _audit(entry) == ["entry_approved"]


def test_stale_tab_cannot_reject_what_was_approved(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    client = login_as(placement.mentor)
    _approve(client, entry, version=1)
    _reject(client, entry, "Из второй вкладки", version=1)
    assert "уже подписана" in _text(client.get("/review"))
    assert _fresh(entry).status == EntryStatus.APPROVED
    assert _fresh(entry).review_comment == ""


def test_stale_version_changes_nothing(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    client = login_as(placement.mentor)
    _approve(client, entry, version=entry.version + 1)
    assert "изменилась, пока страница была открыта" in _text(client.get("/review"))
    assert _fresh(entry).status == EntryStatus.SUBMITTED


def test_concurrent_update_is_caught_by_the_version_column(app):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    db.session.commit()
    # Another request signs the entry between our load and our write.
    with db.engine.begin() as conn:
        conn.execute(update(DiaryEntry).where(DiaryEntry.id == entry.id)
                     .values(version=DiaryEntry.version + 1))
    with app.test_request_context(), pytest.raises(RuleViolation, match="только что изменили"):
        review_entries(placement.mentor, [(entry, entry.version)], approve=True, now=utcnow())
    db.session.rollback()
    assert _fresh(entry).status == EntryStatus.SUBMITTED


def test_reject_needs_a_comment(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    client = login_as(placement.mentor)
    _reject(client, entry, "   ")
    assert "без комментария вернуть запись нельзя" in _text(client.get("/review"))
    assert _fresh(entry).status == EntryStatus.SUBMITTED


def test_reject_goes_back_to_the_student_with_the_comment(login_as):
    placement = builders.placement()
    week = last_week()
    entry = builders.entry(placement, week.monday, submitted_at=utcnow())
    client = login_as(placement.mentor)
    _reject(client, entry, "Уточните <b>марку</b> стали")
    rejected = _fresh(entry)
    assert (rejected.status, rejected.review_comment) == (
        EntryStatus.REJECTED, "Уточните <b>марку</b> стали")
    assert rejected.reviewed_by_id == placement.mentor_id
    assert _audit(entry) == ["entry_rejected"]
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == placement.student_id))
    assert "Уточните <b>марку</b> стали" in note.message
    assert note.link == f"/diary/{placement.id}?week={week.code}"
    client.post("/logout")
    page = _text(login_as(placement.student).get(note.link))
    assert "Уточните &lt;b&gt;марку&lt;/b&gt; стали" in page


def test_whole_week_is_approved_in_one_action(login_as):
    placement = builders.placement()
    entries = _week_of_entries(placement, last_week())
    later = builders.entry(placement, last_week().sunday, submitted_at=utcnow())
    client = login_as(placement.mentor)
    _week_post(client, placement, last_week(), entries, approve="y")
    assert {_fresh(e).status for e in entries} == {EntryStatus.APPROVED}
    assert _fresh(later).status == EntryStatus.SUBMITTED  # not on the page: not signed


def test_whole_week_is_rejected_with_one_comment(login_as):
    placement = builders.placement()
    entries = _week_of_entries(placement, last_week(), count=3)
    client = login_as(placement.mentor)
    _week_post(client, placement, last_week(), entries, reject="y", comment="Мало деталей")
    assert {(_fresh(e).status, _fresh(e).review_comment) for e in entries} == {
        (EntryStatus.REJECTED, "Мало деталей")}
    notes = db.session.scalars(select(Notification).where(
        Notification.user_id == placement.student_id)).all()
    assert len(notes) == 1


def test_week_with_one_stale_entry_changes_nothing(login_as):
    placement = builders.placement()
    entries = _week_of_entries(placement, last_week(), count=3)
    client = login_as(placement.mentor)
    _approve(client, entries[1])
    _week_post(client, placement, last_week(), entries, version=1, approve="y")
    assert [_fresh(e).status for e in entries] == [
        EntryStatus.SUBMITTED, EntryStatus.APPROVED, EntryStatus.SUBMITTED]


def test_mentor_cannot_sign_another_mentors_trainee(login_as):
    theirs = builders.placement()
    entry = builders.entry(theirs, last_week().monday, submitted_at=utcnow())
    client = login_as(builders.mentor(theirs.enterprise))
    assert _approve(client, entry).status_code == 404
    response = _week_post(client, theirs, last_week(), [entry], approve="y")
    assert response.status_code == 404
    assert _fresh(entry).status == EntryStatus.SUBMITTED


@pytest.mark.parametrize("who", ["student", "coordinator", "admin"])
def test_only_mentors_review(login_as, who):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    user = {"student": lambda: placement.student,
            "coordinator": lambda: builders.coordinator(placement.college),
            "admin": builders.admin}[who]()
    client = login_as(user)
    assert client.get("/review").status_code == 403
    assert _approve(client, entry).status_code == 403
    assert _fresh(entry).status == EntryStatus.SUBMITTED


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_review_without_csrf_token_changes_nothing(app, client, app_config):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    db.session.commit()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    signed_in = client.post("/login", data={"email": placement.mentor.email,
                                            "password": builders.PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 302
    response = client.post(f"/review/entries/{entry.id}", data={"version": 1, "approve": "y"})
    assert response.status_code == 400
    assert _fresh(entry).status == EntryStatus.SUBMITTED


def test_review_queue_runs_a_fixed_number_of_queries(login_as, query_counter):
    small_mentor, large_mentor = builders.mentor(), builders.mentor()
    week = last_week()
    _week_of_entries(builders.placement(mentor_=small_mentor), week, count=1)
    for _ in range(4):
        placement = builders.placement(mentor_=large_mentor)
        _week_of_entries(placement, week)
        _week_of_entries(placement, week.shifted(-1), count=3)
    counts = []
    for mentor in (small_mentor, large_mentor):
        client = login_as(mentor)
        with query_counter() as counter:
            assert client.get("/review").status_code == 200
        counts.append(counter.count)
        client.post("/logout")
    assert counts[0] == counts[1]


def test_approved_entry_shows_who_signed_in_the_diary(login_as):
    placement = builders.placement()
    week = last_week()
    builders.entry(placement, week.monday, status=EntryStatus.APPROVED,
                   reviewed_by_id=placement.mentor_id, reviewed_at=utcnow())
    page = _text(login_as(placement.student).get(f"/diary/{placement.id}?week={week.code}"))
    assert f"Подписал(а) {placement.mentor.full_name}" in page
    assert date.today().year > 2000
