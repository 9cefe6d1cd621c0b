"""Deputy foremen: named for a date range by the employer (or the foreman for themself), the
deputy sees and signs the foreman's trainees' entries while it lasts and loses access when it
ends; the entry, the audit and the PDF say "signed by X as deputy for Y"."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.audit import history_of, readable_history
from app.extensions import db
from app.models import (
    AuditEvent,
    DeputyAssignment,
    DiaryEntry,
    EntryStatus,
    Placement,
    utcnow,
)
from app.policy.practice import may_sign
from app.practice import deputies
from app.rules import RuleViolation
from app.scopes import scoped
from tests import builders
from tests import builders_documents as bd
from tests.builders_practice import last_week
from tests.conftest import FROZEN_AT, login

TODAY = date(2026, 12, 1)  # the frozen day, in Almaty


@pytest.fixture(autouse=True)
def request_context(app):
    with app.test_request_context():
        yield


@pytest.fixture
def plant():
    """An enterprise with its employer, a foreman with a trainee's submitted entry, and another
    foreman of the same enterprise to stand in."""
    enterprise = builders.enterprise()
    foreman = builders.mentor(enterprise, full_name="Ерлан Сапаров")
    deputy = builders.mentor(enterprise, full_name="Айгуль Нурланова")
    employer = builders.employer(enterprise)
    placement = builders.placement(mentor_=foreman)
    entry = builders.entry(placement, last_week().monday, submitted_at=utcnow())
    return enterprise, employer, foreman, deputy, placement, entry


def _client(app, user):
    db.session.commit()
    client = app.test_client()
    assert login(client, user).status_code == 302
    return client


def _text(response) -> str:
    return response.get_data(as_text=True)


def _assignments() -> list[DeputyAssignment]:
    db.session.expire_all()
    return list(db.session.scalars(select(DeputyAssignment).order_by(DeputyAssignment.id)))


def _name(client, mentor, deputy, start, end):
    return client.post("/deputies", data={
        "mentor": mentor.id if mentor else "", "deputy": deputy.id if deputy else "",
        "starts_on": start.isoformat() if start else "", "ends_on": end.isoformat() if end else "",
        "save": "y"})


def _travel(clock, day: date) -> None:
    clock.move_to(datetime(day.year, day.month, day.day, 6, 0, tzinfo=UTC))


# --- naming a deputy ------------------------------------------------------------------------

def test_the_employer_names_a_deputy_and_it_is_audited(app, plant):
    _enterprise, employer, foreman, deputy, _placement, _entry = plant
    client = _client(app, employer)
    assert "Заместители наставников" in _text(client.get("/deputies"))
    response = _name(client, foreman, deputy, TODAY, TODAY + timedelta(days=13))
    assert response.status_code == 302
    [assignment] = _assignments()
    assert (assignment.mentor_id, assignment.deputy_id, assignment.starts_on,
            assignment.ends_on, assignment.created_by_id) == (
        foreman.id, deputy.id, TODAY, TODAY + timedelta(days=13), employer.id)
    page = _text(client.get("/deputies"))
    assert "Айгуль Нурланова" in page and "Ерлан Сапаров" in page and "идёт сейчас" in page
    assert "Айгуль Нурланова замещает Ерлан Сапаров" in page
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type.in_(["deputy_assignments", "users"]),
        AuditEvent.action == "deputy_named")).all()
    assert len(actions) == 2  # on the assignment and on the foreman's own record


def test_a_foreman_names_a_deputy_for_themself(app, plant):
    _enterprise, _employer, foreman, deputy, _placement, _entry = plant
    client = _client(app, foreman)
    page = _text(client.get("/deputies"))
    assert "Айгуль Нурланова" in page
    assert _name(client, foreman, deputy, TODAY + timedelta(days=1),
                 TODAY + timedelta(days=5)).status_code == 302
    assert [a.deputy_id for a in _assignments()] == [deputy.id]


def test_a_foreman_naming_a_deputy_for_someone_else_is_refused(app, plant):
    enterprise, _employer, foreman, deputy, _placement, _entry = plant
    third = builders.mentor(enterprise)
    response = _name(_client(app, deputy), foreman, third, TODAY, TODAY + timedelta(days=3))
    assert response.status_code == 422
    assert "Наставник назначает заместителя только себе" in _text(response)
    assert _assignments() == []


@pytest.mark.parametrize("case, message", [
    ("other_enterprise", "Выберите заместителя из наставников своего предприятия."),
    ("not_a_mentor", "Выберите заместителя из наставников своего предприятия."),
    ("none", "Выберите заместителя из наставников своего предприятия."),
    ("self", "Наставник не может замещать сам себя."),
    ("past", "Замещение не может начинаться в прошлом"),
    ("backwards", "Последний день замещения — не раньше первого."),
    ("too_long", "не дольше 92 дн."),
    ("no_start", "Укажите, с какого дня замещение."),
    ("no_end", "Укажите, по какой день замещение."),
])
def test_bad_deputy_input_is_refused_in_words(app, plant, case, message):
    enterprise, employer, foreman, deputy, _placement, _entry = plant
    start, end = TODAY, TODAY + timedelta(days=6)
    chosen = deputy
    match case:
        case "other_enterprise":
            chosen = builders.mentor()
        case "not_a_mentor":
            chosen = builders.employer(enterprise)
        case "none":
            chosen = None
        case "self":
            chosen = foreman
        case "past":
            start = TODAY - timedelta(days=1)
        case "backwards":
            start, end = TODAY + timedelta(days=5), TODAY + timedelta(days=2)
        case "too_long":
            end = TODAY + timedelta(days=92)
        case "no_start":
            start = None
        case "no_end":
            end = None
    response = _name(_client(app, employer), foreman, chosen, start, end)
    assert response.status_code == 422
    assert message in _text(response)
    assert _assignments() == []


@pytest.mark.parametrize("who, mentor_kind, message", [
    ("employer", "other_enterprise", "Выберите наставника своего предприятия."),
    ("mentor", "other", "Наставник назначает заместителя только себе"),
    ("coordinator", "own", "Заместителя наставника назначает"),
])
def test_the_service_refuses_who_may_not_name(plant, who, mentor_kind, message):
    enterprise, employer, foreman, deputy, placement, _entry = plant
    actor = {"employer": employer, "mentor": deputy,
             "coordinator": builders.coordinator(placement.student.college)}[who]
    mentor = builders.mentor() if mentor_kind == "other_enterprise" else foreman
    with pytest.raises(RuleViolation, match=message):
        deputies.name_deputy(actor, mentor, deputy, TODAY, TODAY, today=TODAY)


def test_the_service_refuses_a_deputy_of_another_enterprise_or_not_a_mentor(plant):
    enterprise, employer, foreman, _deputy, _placement, _entry = plant
    with pytest.raises(RuleViolation, match="того же предприятия"):
        deputies.name_deputy(employer, foreman, builders.mentor(), TODAY, TODAY, today=TODAY)
    with pytest.raises(RuleViolation, match="только наставник"):
        deputies.name_deputy(employer, foreman, builders.employer(enterprise), TODAY, TODAY,
                             today=TODAY)
    with pytest.raises(RuleViolation, match="нет доступа"):
        deputies.name_deputy(employer, foreman,
                             builders.mentor(enterprise, password_hash=None), TODAY, TODAY,
                             today=TODAY)


@pytest.mark.parametrize("start, end, clash", [
    (3, 10, True),   # overlaps the end
    (-0, 2, True),   # overlaps the start
    (4, 6, True),    # inside
    (0, 20, True),   # around
    (8, 12, False),  # the day after the end
])
def test_overlapping_ranges_for_one_foreman_are_refused(app, plant, start, end, clash):
    enterprise, employer, foreman, deputy, _placement, _entry = plant
    deputies.name_deputy(employer, foreman, deputy, TODAY + timedelta(days=1),
                         TODAY + timedelta(days=7), today=TODAY)
    other = builders.mentor(enterprise)
    response = _name(_client(app, employer), foreman, other, TODAY + timedelta(days=start),
                     TODAY + timedelta(days=end))
    if clash:
        assert response.status_code == 422
        assert "уже есть заместитель на часть этих дней: Айгуль Нурланова" in _text(response)
        assert len(_assignments()) == 1
    else:
        assert response.status_code == 302 and len(_assignments()) == 2


def test_deputy_pages_are_for_employers_and_mentors_only(app, plant):
    _enterprise, _employer, _foreman, _deputy, placement, _entry = plant
    for user in (placement.student, builders.coordinator(placement.student.college),
                 builders.admin()):
        assert _client(app, user).get("/deputies").status_code == 403


def test_another_enterprises_employer_neither_sees_nor_ends_a_deputy(app, plant):
    _enterprise, employer, foreman, deputy, _placement, _entry = plant
    assignment = deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY, today=TODAY)
    stranger = _client(app, builders.employer())
    assert "Айгуль Нурланова" not in _text(stranger.get("/deputies"))
    assert stranger.post(f"/deputies/{assignment.id}/end").status_code == 404
    assert len(_assignments()) == 1


# --- access by the clock --------------------------------------------------------------------

def test_the_deputy_sees_and_signs_only_during_the_range(app, plant, frozen_clock):
    _enterprise, employer, foreman, deputy, placement, entry = plant
    start, end = TODAY + timedelta(days=2), TODAY + timedelta(days=4)
    deputies.name_deputy(employer, foreman, deputy, start, end, today=TODAY)
    db.session.commit()

    # Before the range: nothing to see, nothing to sign.
    client = _client(app, deputy)
    assert client.get(f"/diary/{placement.id}").status_code == 404
    assert "Ерлан" not in _text(client.get("/review"))
    assert client.post(f"/review/entries/{entry.id}",
                       data={"version": entry.version, "approve": "y"}).status_code == 404

    # During it: the queue shows the covered trainee, whose entry the deputy signs.
    _travel(frozen_clock, start)
    client = _client(app, deputy)
    queue = _text(client.get("/review"))
    assert placement.student.full_name in queue
    assert "вы замещаете наставника Ерлан Сапаров" in queue
    assert f'action="/review/entries/{entry.id}"' in queue  # the template asks may_sign
    assert client.get(f"/diary/{placement.id}").status_code == 200
    response = client.post(f"/review/entries/{entry.id}",
                           data={"version": entry.version, "approve": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    signed = db.session.get(DiaryEntry, entry.id)
    assert signed.status == EntryStatus.APPROVED
    assert (signed.reviewed_by_id, signed.signed_for_id) == (deputy.id, foreman.id)

    # The last day still counts; the day after, access has ended by itself.
    _travel(frozen_clock, end)
    assert _client(app, deputy).get(f"/diary/{placement.id}").status_code == 200
    _travel(frozen_clock, end + timedelta(days=1))
    client = _client(app, deputy)
    assert client.get(f"/diary/{placement.id}").status_code == 404
    assert placement.student.full_name not in _text(client.get("/review"))
    later = builders.entry(placement, last_week().monday + timedelta(days=1),
                           submitted_at=utcnow())
    db.session.commit()
    assert client.post(f"/review/entries/{later.id}",
                       data={"version": later.version, "approve": "y"}).status_code == 404
    db.session.expire_all()
    assert db.session.get(DiaryEntry, later.id).status == EntryStatus.SUBMITTED


def test_the_scope_itself_follows_the_clock(plant, frozen_clock):
    _enterprise, employer, foreman, deputy, placement, entry = plant
    deputies.name_deputy(employer, foreman, deputy, TODAY + timedelta(days=1),
                         TODAY + timedelta(days=1), today=TODAY)

    def visible():
        return (db.session.scalars(scoped(Placement, deputy)).all(),
                db.session.scalars(scoped(DiaryEntry, deputy)).all())

    assert visible() == ([], [])
    assert may_sign(deputy, entry) is not None
    _travel(frozen_clock, TODAY + timedelta(days=1))
    assert visible() == ([placement], [entry])
    assert may_sign(deputy, entry) is None
    _travel(frozen_clock, TODAY + timedelta(days=2))
    assert visible() == ([], [])
    assert may_sign(deputy, entry) is not None


def test_the_foreman_keeps_signing_their_own_trainees_meanwhile(app, plant):
    _enterprise, employer, foreman, deputy, _placement, entry = plant
    deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY + timedelta(days=3),
                         today=TODAY)
    assert _client(app, foreman).post(f"/review/entries/{entry.id}", data={
        "version": entry.version, "approve": "y"}).status_code == 302
    db.session.expire_all()
    signed = db.session.get(DiaryEntry, entry.id)
    assert (signed.reviewed_by_id, signed.signed_for_id) == (foreman.id, None)


def test_a_deputy_of_one_foreman_does_not_see_another_foremans_trainees(app, plant):
    enterprise, employer, foreman, deputy, _placement, _entry = plant
    other_placement = builders.placement(mentor_=builders.mentor(enterprise))
    deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY, today=TODAY)
    assert _client(app, deputy).get(f"/diary/{other_placement.id}").status_code == 404


def test_a_mentor_of_another_enterprise_sees_nothing_of_the_trainees(app, plant):
    _enterprise, employer, foreman, deputy, placement, entry = plant
    deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY, today=TODAY)
    stranger = builders.mentor()
    assert may_sign(stranger, entry) is not None
    client = _client(app, stranger)
    assert client.get(f"/diary/{placement.id}").status_code == 404
    assert client.post(f"/review/entries/{entry.id}",
                       data={"version": entry.version, "approve": "y"}).status_code == 404


def test_the_service_refuses_a_signature_after_the_range(plant, frozen_clock):
    _enterprise, employer, foreman, deputy, _placement, entry = plant
    deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY, today=TODAY)
    _travel(frozen_clock, TODAY + timedelta(days=1))
    from app.practice.services import review_entries

    with pytest.raises(RuleViolation, match="заместитель в дни замещения"):
        review_entries(deputy, [(entry, entry.version)], approve=True, now=utcnow())


def test_ending_a_range_early_ends_the_access(app, plant):
    _enterprise, employer, foreman, deputy, placement, _entry = plant
    under_way = deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY + timedelta(days=5),
                                     today=TODAY)
    db.session.commit()
    assert _client(app, deputy).get(f"/diary/{placement.id}").status_code == 200
    client = _client(app, employer)
    assert client.post(f"/deputies/{under_way.id}/end").status_code == 302
    # Begun today, so withdrawn altogether.
    assert _assignments() == []
    assert _client(app, deputy).get(f"/diary/{placement.id}").status_code == 404


def test_ending_a_range_begun_earlier_keeps_the_past_days(plant, frozen_clock):
    _enterprise, employer, foreman, deputy, _placement, _entry = plant
    assignment = deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY + timedelta(
        days=5), today=TODAY)
    _travel(frozen_clock, TODAY + timedelta(days=2))
    deputies.end_deputy(employer, assignment, today=TODAY + timedelta(days=2))
    [kept] = _assignments()
    assert kept.ends_on == TODAY + timedelta(days=1)
    with pytest.raises(RuleViolation, match="уже закончилось"):
        deputies.end_deputy(employer, kept, today=TODAY + timedelta(days=2))


# --- "signed by X as deputy for Y" ----------------------------------------------------------

def _sign_as_deputy(app, plant):
    _enterprise, employer, foreman, deputy, placement, entry = plant
    deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY + timedelta(days=3),
                         today=TODAY)
    assert _client(app, deputy).post(f"/review/entries/{entry.id}", data={
        "version": entry.version, "approve": "y"}).status_code == 302
    db.session.expire_all()
    return db.session.get(DiaryEntry, entry.id)


def test_the_entry_shows_who_signed_as_whose_deputy(app, plant):
    entry = _sign_as_deputy(app, plant)
    placement = entry.placement
    page = _text(_client(app, placement.student).get(
        f"/diary/{placement.id}?week={last_week().code}"))
    assert "Подписал(а) Айгуль Нурланова как заместитель Ерлан Сапаров" in page


def test_the_audit_history_names_the_foreman_signed_for(app, plant):
    entry = _sign_as_deputy(app, plant)
    [shown] = [s for s in readable_history(history_of(entry))
               if s.event.action == "entry_approved"]
    assert shown.event.actor.full_name == "Айгуль Нурланова"
    changes = {c.label: c.after for c in shown.changes}
    assert changes["Подписано за наставника"] == "Ерлан Сапаров"


def test_the_diary_pdf_reads_back_the_deputy_line(app, plant):
    entry = _sign_as_deputy(app, plant)
    client = _client(app, entry.placement.student)
    response = client.get(f"/documents/diary/{entry.placement_id}.pdf?lang=ru")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = re.sub(r"\s+", " ", "\n".join(bd.pdf_pages(response.data)))
    assert "Айгуль Нурланова как заместитель Ерлан Сапаров" in text


def test_undoing_a_deputys_signature_clears_on_whose_behalf(app, plant):
    entry = _sign_as_deputy(app, plant)
    deputy = entry.reviewed_by
    response = _client(app, deputy).post("/review/undo", data={
        "entries": f"{entry.id}:{entry.version}", "undo": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    undone = db.session.get(DiaryEntry, entry.id)
    assert undone.status == EntryStatus.SUBMITTED
    assert (undone.reviewed_by_id, undone.signed_for_id) == (None, None)


def test_a_deputy_writes_in_the_week_thread_during_the_range(app, plant, frozen_clock):
    _enterprise, employer, foreman, deputy, placement, _entry = plant
    deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY, today=TODAY)
    url = f"/diary/{placement.id}/weeks/{last_week().code}/comments"
    assert _client(app, deputy).post(url, data={"body": "Проверю завтра"}).status_code == 302
    _travel(frozen_clock, TODAY + timedelta(days=1))
    assert _client(app, deputy).post(url, data={"body": "Ещё"}).status_code == 404


def test_the_review_queue_of_a_deputy_runs_fixed_queries(app, query_counter):
    counts = []
    for trainees in (1, 4):
        enterprise = builders.enterprise()
        foreman, deputy = builders.mentor(enterprise), builders.mentor(enterprise)
        employer = builders.employer(enterprise)
        for _ in range(trainees):
            placement = builders.placement(mentor_=foreman)
            for i in range(3):
                builders.entry(placement, last_week().monday + timedelta(days=i),
                               submitted_at=utcnow())
        builders.entry(builders.placement(mentor_=deputy), last_week().monday,
                       submitted_at=utcnow())
        deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY, today=TODAY)
        client = _client(app, deputy)
        with query_counter() as queue:
            assert client.get("/review").status_code == 200
        counts.append(queue.count)
    assert counts[0] == counts[1]


assert FROZEN_AT.date() == TODAY


def test_the_deputys_home_counts_the_covered_trainees_overdue_entries(app, plant):
    from app.home.queries import mentor_figures

    _enterprise, employer, foreman, deputy, placement, entry = plant
    later = utcnow() + timedelta(days=1)
    assert mentor_figures(deputy, later)["overdue_entries"] == 0
    deputies.name_deputy(employer, foreman, deputy, TODAY, TODAY + timedelta(days=3),
                         today=TODAY)
    assert mentor_figures(deputy, later)["overdue_entries"] == 1
    assert mentor_figures(foreman, later)["overdue_entries"] == 1
