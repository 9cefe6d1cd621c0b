"""Acceptance of a draft agreement by the parties (issue 11.1): sent by the coordinator, accepted
or declined by the enterprise's HR, acknowledged by the trainee, confirmed by a minor's guardian
through a one-time link; only then activated. Every step dated, audited, shown and printed."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, GuardianLink, Notification, Placement, PlacementStatus, utcnow
from app.placements import acceptance, services
from app.rules import RuleViolation
from tests import builders
from tests import builders_documents as bd
from tests.builders_placements import agreed, terms, world

TODAY = date(2026, 12, 1)
MINOR = date(2009, 11, 1)  # 16 on the first day


def _world(born: date = date(2005, 4, 12)):
    w = world(born=born)
    w.employer = builders.employer(w.enterprise, full_name="Жумабаев Ерлан")
    return w


def _draft(w, **overrides) -> Placement:
    return services.create_placement(w.coordinator, **terms(w, **overrides))


def _fresh(placement_id: int) -> Placement:
    db.session.expire_all()
    return db.session.get(Placement, placement_id)


def _events(placement: Placement, action: str | None = None) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.object_type == "placements",
                                    AuditEvent.object_id == placement.id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return list(db.session.scalars(stmt.order_by(AuditEvent.id)))


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


def _version(placement: Placement) -> dict:
    return {"version": str(_fresh(placement.id).version)}


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


# --- the steps, in order -----------------------------------------------------------------------


def test_each_step_is_dated_audited_and_the_next_party_is_waited_for(in_request):
    w = _world(born=MINOR)
    p = _draft(w)
    assert acceptance.waiting_for(p).startswith("Координатор готовит договор")
    assert [s.state for s in acceptance.timeline(p)] == [
        "waiting", "later", "later", "later", "later"]

    acceptance.send_to_enterprise(w.coordinator, p, p.version, utcnow())
    assert p.sent_at and p.sent_by_id == w.coordinator.id
    assert acceptance.waiting_for(p) == f"Ждём ответа предприятия «{w.enterprise.name}»."
    assert db.session.scalar(select(Notification.kind).where(
        Notification.user_id == w.employer.id)) == "agreement_sent"

    acceptance.accept(w.employer, p, p.version, utcnow())
    assert p.accepted_at and p.answered_by_id == w.employer.id
    assert acceptance.waiting_for(p) == (
        "Ждём: ознакомления студента, подтверждения законного представителя.")
    assert [s.state for s in acceptance.timeline(p)] == [
        "done", "done", "waiting", "waiting", "later"]

    acceptance.acknowledge(w.student, p, p.version, utcnow())
    assert acceptance.waiting_for(p) == "Ждём: подтверждения законного представителя."
    _link, token = acceptance.issue_guardian_link(w.coordinator, p, utcnow())
    acceptance.confirm_by_guardian(token, utcnow(), TODAY)
    assert p.guardian_confirmed_at and p.parent_consent_on == TODAY
    assert acceptance.waiting_for(p).startswith("Все стороны согласны")

    services.activate_placement(w.coordinator, p, TODAY)
    assert p.status == PlacementStatus.ACTIVE
    steps = acceptance.timeline(p)
    assert [s.state for s in steps] == ["done"] * 5
    assert [s.who for s in steps][:4] == [w.coordinator.full_name, "Жумабаев Ерлан",
                                          w.student.full_name, "Родитель Тестовый"]
    assert [e.action for e in _events(p)] == [
        "created", "sent_to_enterprise", "accepted_by_enterprise", "acknowledged_by_student",
        "guardian_link_issued", "confirmed_by_guardian", "activated"]
    # The guardian has no account: the event has no actor.
    assert _events(p, "confirmed_by_guardian")[0].actor_id is None


def test_an_adult_needs_no_guardian(in_request):
    w = _world()
    p = _draft(w)
    assert [s.key for s in acceptance.timeline(p)] == [
        "sent", "answer", "acknowledged", "activated"]
    with pytest.raises(RuleViolation, match="уже 18 лет"):
        agreed(p)
        acceptance.issue_guardian_link(w.coordinator, p, utcnow())
    services.activate_placement(w.coordinator, p, TODAY)
    assert p.status == PlacementStatus.ACTIVE


@pytest.mark.parametrize(("stage", "message"), [
    ("draft", "Договор ещё не отправлен предприятию"),
    ("sent", "Предприятие ещё не приняло договор."),
    ("declined", "Предприятие отклонило договор: измените его и отправьте заново."),
    ("accepted", "Студент ещё не ознакомился с договором."),
    ("acknowledged", "Законный представитель ещё не подтвердил договор."),
])
def test_activation_before_acceptance_is_refused_and_writes_nothing(login_as, stage, message):
    w = _world(born=MINOR)
    p = _draft(w)
    steps = ["draft", "sent", "accepted", "acknowledged"]
    if stage != "draft":
        acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    if stage == "declined":
        acceptance.decline(w.employer, p, None, "Нет мест в цехе", utcnow())
    elif steps.index(stage) >= 2:
        acceptance.accept(w.employer, p, None, utcnow())
        if stage == "acknowledged":
            acceptance.acknowledge(w.student, p, None, utcnow())
    db.session.commit()
    version = p.version
    page = _text(login_as(w.coordinator).post(f"/placements/{p.id}/activate",
                                              follow_redirects=True))
    assert message in page
    p = _fresh(p.id)
    assert (p.status, p.version, p.activated_at) == (PlacementStatus.DRAFT, version, None)
    refused = _events(p, "refused")[-1]
    assert refused.changes["attempted"] == [None, "activated"]
    assert refused.changes["reason"][1].startswith(message.rstrip("."))


# --- the enterprise's answer -------------------------------------------------------------------


def test_decline_needs_a_reason_reaches_the_college_and_the_draft_goes_round_again(login_as):
    w = _world()
    p = _draft(w)
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    db.session.commit()
    employer = login_as(w.employer)
    page = _text(employer.post(f"/placements/{p.id}/decline",
                               data={**_version(p), "reason": "  "}, follow_redirects=True))
    assert "Укажите причину отказа." in page
    assert _fresh(p.id).declined_at is None
    page = _text(employer.post(f"/placements/{p.id}/decline",
                               data={**_version(p), "reason": "Цех на ремонте до марта"},
                               follow_redirects=True))
    assert "Договор отклонён." in page and "Цех на ремонте до марта" in page
    p = _fresh(p.id)
    assert p.declined_at and p.decline_reason == "Цех на ремонте до марта"
    note = db.session.scalar(select(Notification).where(
        Notification.user_id == w.coordinator.id, Notification.kind == "agreement_answered"))
    assert note.params["reason"] == "Цех на ремонте до марта"
    # An answered agreement is not answered twice.
    with pytest.raises(RuleViolation, match="уже ответило"):
        acceptance.accept(w.employer, p, None, utcnow())
    db.session.rollback()
    # The coordinator changes the terms: the old answer is void, the draft is sent again.
    p = _fresh(p.id)
    services.update_placement(w.coordinator, p, start_date=date(2027, 3, 1),
                              end_date=date(2027, 6, 1))
    assert (p.sent_at, p.declined_at, p.decline_reason) == (None, None, "")
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    acceptance.accept(w.employer, p, None, utcnow())
    assert p.accepted_at is not None


def test_changed_terms_void_every_answer_and_the_guardians_link(in_request):
    w = _world(born=MINOR)
    p = agreed(_draft(w), guardian=False)
    link, token = acceptance.issue_guardian_link(w.coordinator, p, utcnow())
    services.update_placement(w.coordinator, p, required_hours=500)
    db.session.expire(link)
    assert (p.sent_at, p.accepted_at, p.acknowledged_at) == (None, None, None)
    assert db.session.get(GuardianLink, link.id).revoked_at is not None
    with pytest.raises(RuleViolation, match="Ссылка больше не действует"):
        acceptance.confirm_by_guardian(token, utcnow(), TODAY)
    updated = _events(p, "updated")[-1].changes
    assert updated["required_hours"] == [480, 500] and updated["accepted_at"][1] is None


def test_sending_needs_an_employer_who_can_answer(in_request):
    w = world()  # nobody of the enterprise has access yet
    p = _draft(w)
    with pytest.raises(RuleViolation, match="нет представителя с доступом"):
        acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    builders.employer(w.enterprise, password_hash=None)  # registered, not yet signed in
    with pytest.raises(RuleViolation, match="нет представителя с доступом"):
        acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())


def test_an_employer_may_not_answer_another_enterprises_agreement(login_as):
    w = _world()
    p = _draft(w)
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    stranger = builders.employer(builders.enterprise())
    db.session.commit()
    with pytest.raises(RuleViolation) as refusal:
        acceptance.accept(stranger, p, None, utcnow())
    assert refusal.value.message == (
        "Принять или отклонить договор может только представитель его предприятия.")
    db.session.rollback()
    client = login_as(stranger)
    for action in ("accept", "decline"):
        response = client.post(f"/placements/{p.id}/{action}",
                               data={**_version(p), "reason": "чужой"})
        assert response.status_code == 404
    p = _fresh(p.id)
    assert (p.accepted_at, p.declined_at, p.answered_by_id) == (None, None, None)
    # The attempts are on the record of the agreement, with who tried.
    refused = _events(p, "refused")
    assert [(e.actor_id, e.changes["attempted"][1]) for e in refused] == [
        (stranger.id, "accepted_by_enterprise"), (stranger.id, "declined_by_enterprise")]


def test_concurrent_accept_and_decline_one_wins_the_other_is_told(login_as, client):
    w = _world()
    p = _draft(w)
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    second_hr = builders.employer(w.enterprise)
    db.session.commit()
    seen = _version(p)  # both pages were opened at this version
    first = login_as(w.employer).post(f"/placements/{p.id}/accept", data=seen,
                                      follow_redirects=True)
    assert "Договор принят." in _text(first)

    other = client.application.test_client()
    other.post("/login", data={"email": second_hr.email, "password": builders.PASSWORD})
    page = _text(other.post(f"/placements/{p.id}/decline",
                            data={**seen, "reason": "Нет мест"}, follow_redirects=True))
    assert "Договор только что изменил другой пользователь: откройте его заново." in page
    p = _fresh(p.id)
    assert p.accepted_at is not None and p.declined_at is None and p.decline_reason == ""
    assert _events(p, "refused")[-1].actor_id == second_hr.id


def test_a_stale_or_forged_version_is_refused_in_words(login_as):
    w = _world()
    p = _draft(w)
    db.session.commit()
    client = login_as(w.coordinator)
    for version in ("", "abc", "0", "99999999999999999999"):
        page = _text(client.post(f"/placements/{p.id}/send", data={"version": version},
                                 follow_redirects=True))
        assert "Страница устарела: откройте договор заново." in page
    assert _fresh(p.id).sent_at is None


# --- the trainee -------------------------------------------------------------------------------


def test_the_student_acknowledges_only_an_accepted_agreement_of_their_own(login_as):
    w = _world()
    p = _draft(w)
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    db.session.commit()
    student = login_as(w.student)
    page = _text(student.post(f"/placements/{p.id}/acknowledge", data=_version(p),
                              follow_redirects=True))
    assert "Ознакомиться можно с договором, который принят предприятием." in page
    acceptance.accept(w.employer, _fresh(p.id), None, utcnow())
    db.session.commit()
    home = _text(student.get("/"))
    assert f"Ознакомьтесь с договором: {w.enterprise.name} приняло его" in home
    page = _text(student.get(f"/placements/{p.id}"))
    assert "Я ознакомлен(а) с договором" in page
    page = _text(student.post(f"/placements/{p.id}/acknowledge", data=_version(p),
                              follow_redirects=True))
    assert "отмечено, что вы ознакомились" in page
    assert _fresh(p.id).acknowledged_at is not None
    page = _text(student.post(f"/placements/{p.id}/acknowledge", data=_version(p),
                              follow_redirects=True))
    assert "Вы уже ознакомились с этим договором." in page
    assert "Ознакомьтесь с договором" not in _text(student.get("/"))


# --- the guardian's one-time link --------------------------------------------------------------


def _guardian_ready(w) -> Placement:
    p = _draft(w)
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    acceptance.accept(w.employer, p, None, utcnow())
    db.session.commit()
    return p


def _issue(client, p) -> str:
    page = client.post(f"/placements/{p.id}/guardian-link", data=_version(p))
    assert page.status_code == 200, page.get_data(as_text=True)[:300]
    assert "<svg" in page.get_data(as_text=True)  # the QR code, drawn on the server
    return re.search(r'value="https?://[^"]*/guardian/([^"]+)"',
                     page.get_data(as_text=True)).group(1)


def test_the_guardian_confirms_once_without_an_account(login_as, app):
    w = _world(born=MINOR)
    p = _guardian_ready(w)
    token = _issue(login_as(w.coordinator), p)
    guardian = app.test_client()  # no session, no account
    page = guardian.get(f"/guardian/{token}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    text = _text(page)
    assert "Здравствуйте, Родитель Тестовый!" in text and w.student.full_name in text
    refused = guardian.post(f"/guardian/{token}", data={})
    assert refused.status_code == 422
    assert "Отметьте, что вы согласны с договором." in _text(refused)
    assert _fresh(p.id).guardian_confirmed_at is None
    done = guardian.post(f"/guardian/{token}", data={"agree": "y"})
    assert done.status_code == 200 and "Спасибо!" in _text(done)
    p = _fresh(p.id)
    assert p.guardian_confirmed_at is not None and p.parent_consent_on == TODAY
    # Used twice: refused in words, nothing written again, the attempt audited.
    again = guardian.post(f"/guardian/{token}", data={"agree": "y"})
    assert again.status_code == 410
    assert "По этой ссылке договор уже подтверждён" in _text(again)
    assert len(_events(p, "confirmed_by_guardian")) == 1
    assert _events(p, "refused")[-1].changes["attempted"][1] == "confirmed_by_guardian"


def test_an_expired_or_replaced_or_unknown_link_is_refused(login_as, app):
    w = _world(born=MINOR)
    p = _guardian_ready(w)
    coordinator = login_as(w.coordinator)
    old = _issue(coordinator, p)
    new = _issue(coordinator, p)  # a new link kills the old one
    guardian = app.test_client()
    response = guardian.post(f"/guardian/{old}", data={"agree": "y"})
    assert response.status_code == 410 and "Ссылка больше не действует" in _text(response)
    assert guardian.get("/guardian/not-a-token").status_code == 404
    assert "Ссылка не найдена" in _text(guardian.get("/guardian/" + "x" * 300))
    with time_machine.travel(utcnow() + timedelta(days=8), tick=False):
        response = guardian.post(f"/guardian/{new}", data={"agree": "y"})
    assert response.status_code == 410 and "Срок действия ссылки истёк" in _text(response)
    assert _fresh(p.id).guardian_confirmed_at is None


def test_the_guardian_page_speaks_the_readers_language(login_as, app):
    w = _world(born=MINOR)
    p = _guardian_ready(w)
    token = _issue(login_as(w.coordinator), p)
    guardian = app.test_client()
    page = _text(guardian.get(f"/guardian/{token}", headers={"Accept-Language": "kk"}))
    assert "Шартты растау" in page
    page = _text(guardian.get(f"/guardian/{token}", headers={"Accept-Language": "en"}))
    assert "Confirm the agreement" in page


@pytest.mark.parametrize("app_config", [{"GUARDIAN_RATE_LIMIT": "3 per hour"}])
def test_the_guardian_page_is_rate_limited(app):
    guardian = app.test_client()
    codes = [guardian.get(f"/guardian/guess-{n}").status_code for n in range(4)]
    assert codes == [404, 404, 404, 429]
    assert "Слишком много попыток" in _text(guardian.get("/guardian/guess-9"))


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_guardians_confirmation_needs_the_csrf_token(app, in_request):
    w = _world(born=MINOR)
    p = _guardian_ready(w)
    _link, token = acceptance.issue_guardian_link(w.coordinator, _fresh(p.id), utcnow())
    db.session.commit()
    guardian = app.test_client()
    assert guardian.post(f"/guardian/{token}", data={"agree": "y"}).status_code == 400
    assert _fresh(p.id).guardian_confirmed_at is None
    page = guardian.get(f"/guardian/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    done = guardian.post(f"/guardian/{token}", data={"agree": "y", "csrf_token": csrf})
    assert done.status_code == 200
    assert _fresh(p.id).guardian_confirmed_at is not None


def test_a_guardian_link_needs_a_minor_an_accepted_draft_and_a_guardian_on_file(in_request):
    w = _world(born=MINOR)
    p = _draft(w)
    with pytest.raises(RuleViolation, match="когда предприятие приняло договор"):
        acceptance.issue_guardian_link(w.coordinator, p, utcnow())
    w.student.student_profile.guardian_phone = ""
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    acceptance.accept(w.employer, p, None, utcnow())
    with pytest.raises(RuleViolation, match="Сначала укажите имя и телефон"):
        acceptance.issue_guardian_link(w.coordinator, p, utcnow())
    other = builders.coordinator()
    with pytest.raises(RuleViolation, match="выдаёт координатор колледжа"):
        acceptance.issue_guardian_link(other, p, utcnow())


# --- who may do what: the scoping matrix -------------------------------------------------------


def _actors(w) -> dict:
    other = _world()
    return {
        "own coordinator": w.coordinator, "own employer": w.employer, "own student": w.student,
        "own mentor": w.mentor, "other coordinator": other.coordinator,
        "other employer": other.employer, "other student": other.student,
        "admin": builders.admin(),
    }


ALLOWED = {
    "send": {"own coordinator"},
    "accept": {"own employer"},
    "decline": {"own employer"},
    "acknowledge": {"own student"},
    "guardian-link": {"own coordinator"},
}
STAGE = {"send": "draft", "accept": "sent", "decline": "sent", "acknowledge": "accepted",
         "guardian-link": "accepted"}


@pytest.mark.parametrize("action", list(ALLOWED))
def test_scoping_matrix(login_as, app, action):
    w = _world(born=MINOR)
    p = _draft(w)
    if STAGE[action] != "draft":
        acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    if STAGE[action] == "accepted":
        acceptance.accept(w.employer, p, None, utcnow())
    actors = _actors(w)
    db.session.commit()
    before = {c: getattr(_fresh(p.id), c) for c in ("sent_at", "accepted_at", "declined_at",
                                                     "acknowledged_at")}
    for name, actor in actors.items():
        if name in ALLOWED[action]:
            continue
        client = app.test_client()
        client.post("/login", data={"email": actor.email, "password": builders.PASSWORD})
        response = client.post(f"/placements/{p.id}/{action}",
                               data={**_version(p), "reason": "x"})
        assert response.status_code in (403, 404), (name, response.status_code)
        after = {c: getattr(_fresh(p.id), c) for c in before}
        assert after == before, name
    assert db.session.scalar(select(func.count()).select_from(GuardianLink)) == 0
    (allowed,) = ALLOWED[action]
    response = login_as(actors[allowed]).post(f"/placements/{p.id}/{action}",
                                              data={**_version(p), "reason": "Нет мест"})
    assert response.status_code in (200, 302)


# --- what people see: the page, the inbox, the home, the PDF ------------------------------------


def test_the_placement_page_shows_the_timeline_and_who_is_waiting(login_as):
    w = _world(born=MINOR)
    p = _draft(w)
    acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    acceptance.accept(w.employer, p, None, utcnow())
    db.session.commit()
    page = login_as(w.coordinator).get(f"/placements/{p.id}").get_data(as_text=True)
    for state, key in (("done", "sent"), ("done", "answer"), ("waiting", "acknowledged"),
                       ("waiting", "guardian"), ("later", "activated")):
        assert f'data-step="{key}" data-state="{state}"' in page
    text = _text_of(page)
    assert "Ждём: ознакомления студента, подтверждения законного представителя." in text
    assert "Жумабаев Ерлан" in text and "Выдать ссылку законному представителю" in text
    assert "принят предприятием" in text  # the history names the step


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_the_employers_inbox_menu_and_home_figure(login_as):
    w = _world()
    waiting = _draft(w)
    acceptance.send_to_enterprise(w.coordinator, waiting, None, utcnow())
    not_sent = _draft(w, student_id=builders.student(w.group, full_name="Неотправленный").id)
    other = _world()
    elsewhere = services.create_placement(other.coordinator, **terms(other))
    acceptance.send_to_enterprise(other.coordinator, elsewhere, None, utcnow())
    db.session.commit()
    client = login_as(w.employer)
    home = _text(client.get("/"))
    assert "Договоры ждут ответа" in home and "/agreements/inbox" in home
    assert "Договоры ждут вашего ответа: 1 — открыть" in home
    inbox = _text(client.get("/agreements/inbox"))
    assert w.student.full_name in inbox and "Договоры на согласование" in inbox
    assert not_sent.student.full_name not in inbox
    assert other.student.full_name not in inbox
    acceptance.accept(w.employer, _fresh(waiting.id), None, utcnow())
    db.session.commit()
    inbox = _text(client.get("/agreements/inbox"))
    assert "Новых договоров нет." in inbox and "Недавние ответы" in inbox
    coordinator = client.application.test_client()
    coordinator.post("/login", data={"email": w.coordinator.email,
                                     "password": builders.PASSWORD})
    assert coordinator.get("/agreements/inbox").status_code == 403


def test_the_inbox_runs_a_fixed_number_of_queries(login_as, query_counter):
    w = _world()
    acceptance.send_to_enterprise(w.coordinator, _draft(w), None, utcnow())
    db.session.commit()
    client = login_as(w.employer)
    with query_counter() as small:
        client.get("/agreements/inbox")
    for _ in range(4):
        student = builders.student(w.group)
        acceptance.send_to_enterprise(w.coordinator, _draft(w, student_id=student.id), None,
                                      utcnow())
    db.session.commit()
    with query_counter() as grown:
        client.get("/agreements/inbox")
    assert grown.count == small.count


def test_the_agreement_pdf_shows_the_acceptance_dates(login_as):
    w = _world(born=MINOR)
    p = _draft(w)
    with time_machine.travel(date(2026, 11, 20), tick=False):
        acceptance.send_to_enterprise(w.coordinator, p, None, utcnow())
    with time_machine.travel(date(2026, 11, 23), tick=False):
        acceptance.accept(w.employer, p, None, utcnow())
    with time_machine.travel(date(2026, 11, 24), tick=False):
        acceptance.acknowledge(w.student, p, None, utcnow())
    db.session.commit()
    pages = bd.pdf_pages(login_as(w.coordinator).get(
        f"/documents/agreement/{p.id}.pdf?lang=ru").data)
    text = re.sub(r"\s+", " ", "\n".join(pages))
    assert "Согласование сторонами" in text
    assert "Отправлен предприятию 20.11.2026" in text
    assert "Принят предприятием 23.11.2026 · Жумабаев Ерлан" in text
    assert "Студент ознакомлен 24.11.2026" in text
    assert re.search(r"Подтверждён законным представителем —", text)
