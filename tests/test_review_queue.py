"""The foreman's queue on a phone: waiting age, back to the next card, the week confirmed once,
a fresh signature taken back — and the bad inputs around them."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, DiaryEntry, DocumentKind, EntryStatus, IssuedDocument, utcnow
from app.practice.signoff import ReviewLimits, Waiting, waiting_age
from tests import builders
from tests.builders_practice import last_week


def _fresh(entry: DiaryEntry) -> DiaryEntry:
    db.session.expire_all()
    return db.session.get(DiaryEntry, entry.id)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _week(placement, count=3, week=None, waited=timedelta(hours=2)):
    week = week or last_week()
    return [builders.entry(placement, week.monday + timedelta(days=i),
                           submitted_at=utcnow() - waited - timedelta(minutes=i),
                           activity=f"Работа дня {i + 1}") for i in range(count)]


def _shown(entries, version=None) -> str:
    return " ".join(f"{e.id}:{version or e.version}" for e in entries)


def _actions(object_type: str, object_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(AuditEvent.id)))


def _sign(client, entry, next_id=None):
    data = {"version": entry.version, "approve": "y"}
    if next_id:
        data["next"] = next_id
    return client.post(f"/review/entries/{entry.id}", data=data)


def _undo(client, entries, version=None):
    return client.post("/review/undo", data={"entries": _shown(entries, version), "undo": "y"})


# --- the cards ---------------------------------------------------------------------------


@pytest.mark.parametrize(("waited", "level"), [
    (timedelta(hours=5), Waiting.FRESH),
    (timedelta(days=3), Waiting.AMBER),
    (timedelta(days=8), Waiting.RED),
])
def test_waiting_age_turns_amber_and_red_at_the_configured_days(app, waited, level):
    now = utcnow()
    with app.test_request_context():
        age = waiting_age(now - waited, now, ReviewLimits(amber_days=3, red_days=7))
    assert age.level == level
    assert bool(age.reason) == (level != Waiting.FRESH)


def test_card_shows_trainee_date_hours_work_competency_and_waiting_reason(login_as):
    placement = builders.placement()
    from tests.builders_practice import competency
    skill = competency(placement, "ПК-7")
    builders.entry(placement, last_week().monday, submitted_at=utcnow() - timedelta(days=9),
                   activity="Сварка труб", competency_id=skill.id, hours=7)
    page = _text(login_as(placement.mentor).get("/review"))
    card = page[page.index('class="review-entry review-entry--red"'):]
    for shown in (placement.student.full_name, "7 ч", "Сварка труб", "ПК-7", "ждёт 9 дн.",
                  "подпись просрочена: дольше 7 дн."):
        assert shown in card


@pytest.mark.parametrize("app_config", [{"REVIEW_AMBER_DAYS": 1, "REVIEW_RED_DAYS": 2}])
def test_thresholds_come_from_the_config(login_as, app_config):
    placement = builders.placement()
    builders.entry(placement, last_week().monday, submitted_at=utcnow() - timedelta(days=1,
                                                                                   hours=1))
    page = _text(login_as(placement.mentor).get("/review"))
    assert "review-entry--amber" in page
    assert "пора подписать: дольше 1 дн." in page


def test_signing_brings_the_foreman_to_the_next_card_with_an_undo(login_as):
    placement = builders.placement()
    first, second, _third = _week(placement)
    client = login_as(placement.mentor)
    response = _sign(client, first, next_id=second.id)
    assert response.status_code == 302
    assert response.location.endswith(f"/review?next={second.id}#just-done")
    page = _text(client.get(response.location))
    notice = page.index('id="just-done"')
    assert "Подписано записей: 1." in page[notice:]
    assert notice < page.index(f'id="entry-{second.id}"')
    assert page.index(f'id="entry-{second.id}"') - notice < 2000  # right above it
    assert "Отменить подпись" in page
    # The notice is shown once.
    assert 'id="just-done"' not in _text(client.get("/review"))


def test_a_refused_action_keeps_the_foreman_on_the_same_card(login_as):
    placement = builders.placement()
    first, second, _third = _week(placement)
    client = login_as(placement.mentor)
    response = client.post(f"/review/entries/{first.id}",
                           data={"version": first.version + 5, "approve": "y",
                                 "next": second.id})
    assert response.location.endswith(f"/review?next={first.id}#just-done")
    assert _fresh(first).status == EntryStatus.SUBMITTED


# --- the week, confirmed once ------------------------------------------------------------


def test_signing_a_week_first_shows_days_and_total_hours(login_as):
    placement = builders.placement()
    entries = _week(placement)
    week = last_week()
    client = login_as(placement.mentor)
    queue = _text(client.get("/review"))
    link = f"/review/week/{placement.id}/{week.code}"
    assert link in queue
    page = _text(client.get(link))
    assert "Будет подписано записей: 3, всего 18 ч" in page
    for entry in entries:
        assert f"Работа дня {entries.index(entry) + 1}" in page
    assert {_fresh(e).status for e in entries} == {EntryStatus.SUBMITTED}  # nothing signed yet
    response = client.post("/review/week", data={
        "placement": placement.id, "week": week.code, "entries": _shown(entries),
        "approve": "y"})
    assert response.status_code == 302
    assert {_fresh(e).status for e in entries} == {EntryStatus.APPROVED}


def test_confirmation_of_another_mentors_week_is_not_found(login_as):
    theirs = builders.placement()
    _week(theirs)
    client = login_as(builders.mentor(theirs.enterprise))
    assert client.get(f"/review/week/{theirs.id}/{last_week().code}").status_code == 404
    assert client.get(f"/review/week/{theirs.id}/not-a-week").status_code == 404


def test_a_week_signed_from_two_tabs_is_signed_once_and_the_second_is_audited(login_as):
    placement = builders.placement()
    entries = _week(placement)
    week = last_week()
    client = login_as(placement.mentor)
    form = {"placement": placement.id, "week": week.code, "entries": _shown(entries),
            "approve": "y"}
    client.post("/review/week", data=form)
    signed_at = _fresh(entries[0]).reviewed_at
    client.post("/review/week", data=form)
    page = _text(client.get("/review"))
    assert "уже подписана. Ничего не изменено." in page
    assert _fresh(entries[0]).reviewed_at == signed_at
    assert _actions("diary_entries", entries[0].id) == ["entry_approved"]
    assert _actions("placements", placement.id)[-1] == "week_review_refused"


def test_a_forged_week_form_with_another_trainees_entry_changes_nothing(login_as):
    mentor = builders.mentor()
    mine, other = builders.placement(mentor_=mentor), builders.placement(mentor_=mentor)
    entries = _week(mine)
    stranger = _week(other, count=1)[0]
    client = login_as(mentor)
    client.post("/review/week", data={
        "placement": mine.id, "week": last_week().code,
        "entries": _shown([*entries, stranger]), "approve": "y"})
    page = _text(client.get("/review"))
    assert "записи другой недели или другого практиканта" in page
    assert {_fresh(e).status for e in [*entries, stranger]} == {EntryStatus.SUBMITTED}
    assert _actions("placements", mine.id) == ["week_review_refused"]


def test_a_forged_week_form_with_a_foreign_mentors_entry_changes_nothing(login_as):
    mine = builders.placement()
    entries = _week(mine)
    foreign = _week(builders.placement(), count=1)[0]
    client = login_as(mine.mentor)
    client.post("/review/week", data={
        "placement": mine.id, "week": last_week().code,
        "entries": _shown([*entries, foreign]), "approve": "y"})
    assert "записи другой недели или другого практиканта" in _text(client.get("/review"))
    assert _fresh(foreign).status == EntryStatus.SUBMITTED
    assert _actions("placements", mine.id) == ["week_review_refused"]


# --- undo --------------------------------------------------------------------------------


def test_the_same_foreman_undoes_a_fresh_sign_off_and_it_is_audited(login_as):
    placement = builders.placement()
    first, second, _third = _week(placement)
    client = login_as(placement.mentor)
    _sign(client, first, next_id=second.id)
    signed = _fresh(first)
    response = _undo(client, [signed])
    assert response.location.endswith(f"/review?next={first.id}#just-done")
    back = _fresh(first)
    assert (back.status, back.reviewed_by_id, back.reviewed_at) == (
        EntryStatus.SUBMITTED, None, None)
    assert _actions("diary_entries", first.id) == ["entry_approved", "entry_sign_off_undone"]
    assert "Подпись отменена" in _text(client.get(response.location))


def test_undo_of_a_whole_week(login_as):
    placement = builders.placement()
    entries = _week(placement)
    client = login_as(placement.mentor)
    client.post("/review/week", data={"placement": placement.id, "week": last_week().code,
                                      "entries": _shown(entries), "approve": "y"})
    _undo(client, [_fresh(e) for e in entries])
    assert {_fresh(e).status for e in entries} == {EntryStatus.SUBMITTED}


@pytest.mark.parametrize("app_config", [{"SIGN_OFF_UNDO_MINUTES": 5}])
def test_undo_after_the_grace_period_is_refused_and_audited(login_as, app_config):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, status=EntryStatus.APPROVED,
                           submitted_at=utcnow() - timedelta(days=1),
                           reviewed_by_id=placement.mentor_id,
                           reviewed_at=utcnow() - timedelta(minutes=6))
    client = login_as(placement.mentor)
    _undo(client, [entry])
    assert "Время на отмену вышло: подпись можно отменить в течение 5 мин." in _text(
        client.get("/review"))
    assert _fresh(entry).status == EntryStatus.APPROVED
    assert _actions("users", placement.mentor_id)[-1] == "sign_off_undo_refused"


def test_undo_after_a_diary_was_issued_is_refused(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, status=EntryStatus.APPROVED,
                           submitted_at=utcnow() - timedelta(days=1),
                           reviewed_by_id=placement.mentor_id,
                           reviewed_at=utcnow() - timedelta(minutes=1))
    db.session.add(IssuedDocument(code="TESTCODE23", kind=DocumentKind.DIARY,
                                  object_id=placement.id, locale="ru", content_hash="0" * 64,
                                  summary={}, issued_at=utcnow()))
    client = login_as(placement.mentor)
    _undo(client, [entry])
    assert "уже выдан документ" in _text(client.get("/review"))
    assert _fresh(entry).status == EntryStatus.APPROVED
    assert _actions("diary_entries", entry.id) == []
    assert _actions("users", placement.mentor_id)[-1] == "sign_off_undo_refused"


def test_a_diary_issued_before_the_sign_off_does_not_block_the_undo(login_as):
    placement = builders.placement()
    db.session.add(IssuedDocument(code="TESTCODE24", kind=DocumentKind.DIARY,
                                  object_id=placement.id, locale="ru", content_hash="0" * 64,
                                  summary={}, issued_at=utcnow() - timedelta(hours=1)))
    entry = builders.entry(placement, last_week().monday, status=EntryStatus.APPROVED,
                           submitted_at=utcnow() - timedelta(days=1),
                           reviewed_by_id=placement.mentor_id,
                           reviewed_at=utcnow() - timedelta(minutes=1))
    _undo(login_as(placement.mentor), [entry])
    assert _fresh(entry).status == EntryStatus.SUBMITTED


def test_undo_by_another_foreman_is_refused_and_audited(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, status=EntryStatus.APPROVED,
                           submitted_at=utcnow() - timedelta(days=1),
                           reviewed_by_id=placement.mentor_id,
                           reviewed_at=utcnow() - timedelta(minutes=1))
    other = builders.mentor(placement.enterprise)
    client = login_as(other)
    _undo(client, [entry])
    assert "может только наставник, который её поставил" in _text(client.get("/review"))
    assert _fresh(entry).status == EntryStatus.APPROVED
    assert _actions("users", other.id) == ["sign_off_undo_refused"]


def test_undo_by_the_placements_new_mentor_is_refused(login_as):
    placement = builders.placement()
    old_mentor = placement.mentor
    entry = builders.entry(placement, last_week().monday, status=EntryStatus.APPROVED,
                           submitted_at=utcnow() - timedelta(days=1),
                           reviewed_by_id=old_mentor.id,
                           reviewed_at=utcnow() - timedelta(minutes=1))
    new_mentor = builders.mentor(placement.enterprise)
    placement.mentor = new_mentor
    db.session.flush()
    client = login_as(new_mentor)
    _undo(client, [entry])
    assert "подписал другой наставник" in _text(client.get("/review"))
    assert _fresh(entry).status == EntryStatus.APPROVED


def test_undo_from_a_second_tab_changes_nothing_more(login_as):
    placement = builders.placement()
    entry = _week(placement, count=1)[0]
    client = login_as(placement.mentor)
    _sign(client, entry)
    signed = _fresh(entry)
    _undo(client, [signed])
    _undo(client, [signed], version=signed.version)
    assert "подпись отменили в другой вкладке" in _text(client.get("/review"))
    assert _actions("diary_entries", entry.id) == ["entry_approved", "entry_sign_off_undone"]


def test_undo_is_only_for_mentors(login_as):
    placement = builders.placement()
    entry = builders.entry(placement, last_week().monday, status=EntryStatus.APPROVED,
                           reviewed_by_id=placement.mentor_id, reviewed_at=utcnow())
    response = _undo(login_as(placement.student), [entry])
    assert response.status_code == 403
    assert _fresh(entry).status == EntryStatus.APPROVED


# --- fixed query counts ------------------------------------------------------------------


def test_queue_with_a_notice_and_the_week_confirmation_run_fixed_queries(login_as,
                                                                         query_counter):
    small_mentor, large_mentor = builders.mentor(), builders.mentor()
    small = builders.placement(mentor_=small_mentor)
    _week(small, count=2)
    large = builders.placement(mentor_=large_mentor)
    _week(large, count=5)
    for _ in range(3):
        _week(builders.placement(mentor_=large_mentor), count=4)
    counts = []
    for mentor, placement in ((small_mentor, small), (large_mentor, large)):
        client = login_as(mentor)
        first = db.session.scalars(select(DiaryEntry).where(
            DiaryEntry.placement_id == placement.id).order_by(DiaryEntry.work_date)).first()
        _sign(client, first)
        with query_counter() as queue:
            assert client.get("/review?next=1").status_code == 200
        with query_counter() as confirm:
            assert client.get(f"/review/week/{placement.id}/{last_week().code}"
                              ).status_code == 200
        counts.append((queue.count, confirm.count))
        client.post("/logout")
    assert counts[0] == counts[1]
