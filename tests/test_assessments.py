"""Assessments: the mentor's draft and submission, the lock, the college score, scoping."""

from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.assessments import services
from app.extensions import db
from app.models import (
    Assessment,
    AssessmentKind,
    AuditEvent,
    CompetencyRating,
    HireRecommendation,
    PlacementStatus,
)
from app.rules import RuleViolation
from tests import builders
from tests import builders_outcomes as bo

NOW = datetime(2025, 5, 20, 12, 0)


@pytest.fixture(autouse=True)
def request_context(app):
    """Services translate their messages, which needs a request's locale."""
    with app.test_request_context():
        yield


def _save(mentor, placement, comps, kind=AssessmentKind.FINAL, **overrides):
    values = {
        "grade": 5,
        "characterisation": "Уверенно варит стыковые швы.",
        "hire_recommendation": HireRecommendation.YES,
        "recommendation_note": "Готов к работе в цехе.",
        "ratings": {c.id: 5 for c in comps},
    }
    values.update(overrides)
    return services.save_assessment(mentor, placement, kind, **values)


def _audit(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _form(comps, **overrides) -> dict:
    data = {"grade": "4", "characterisation": "Старательный, аккуратный.",
            "hire_recommendation": "yes", "recommendation_note": "", "action": "save"}
    data.update({f"rating-{c.id}": "4" for c in comps})
    data.update(overrides)
    return data


# --- services ---------------------------------------------------------------------------------


def test_competencies_come_from_the_students_specialty(app):
    placement, comps = bo.trainee_with_competencies(count=3)
    bo.competencies(builders.specialty(), 2)  # another specialty's plan
    assert services.competencies_for(placement) == comps


def test_a_draft_is_saved_partially_then_updated_and_audited(app):
    placement, comps = bo.trainee_with_competencies()
    mentor = placement.mentor
    draft = _save(mentor, placement, comps, grade=None, hire_recommendation=None,
                  ratings={comps[0].id: 3})
    assert draft.grade is None and not draft.is_submitted
    assert {r.competency_id: r.rating for r in draft.ratings} == {comps[0].id: 3}
    _save(mentor, placement, comps, grade=4, ratings={comps[0].id: 4, comps[1].id: 5})
    db.session.flush()
    assert draft.grade == 4
    assert {r.competency_id: r.rating for r in draft.ratings} == {comps[0].id: 4, comps[1].id: 5}
    assert _count(CompetencyRating) == 2
    created, updated = _audit("created"), _audit("updated")
    assert [e.object_type for e in created] == ["assessments"]
    assert updated[0].changes["grade"] == [None, 4]
    assert updated[0].changes["ratings"][1] == {comps[0].code: 4, comps[1].code: 5}


def test_submitting_needs_everything_filled(app):
    placement, comps = bo.trainee_with_competencies()
    draft = _save(placement.mentor, placement, comps, grade=None, hire_recommendation=None,
                  characterisation="", ratings={comps[0].id: 5})
    with pytest.raises(RuleViolation) as refusal:
        services.submit_assessment(placement.mentor, draft, NOW)
    for missing in ("всем компетенциям", "итоговая оценка", "характеристика",
                    "рекомендация к найму"):
        assert missing in refusal.value.message
    assert draft.submitted_at is None


def test_a_midterm_needs_no_hire_recommendation(app):
    placement, comps = bo.trainee_with_competencies()
    midterm = _save(placement.mentor, placement, comps, kind=AssessmentKind.MIDTERM,
                    hire_recommendation=None)
    services.submit_assessment(placement.mentor, midterm, NOW)
    assert midterm.submitted_at == NOW


def test_submitting_locks_and_audits(app):
    placement, comps = bo.trainee_with_competencies()
    final = _save(placement.mentor, placement, comps)
    services.submit_assessment(placement.mentor, final, NOW)
    assert final.submitted_at == NOW
    assert len(_audit("assessment_submitted")) == 1
    with pytest.raises(RuleViolation, match="закрыта для изменений"):
        _save(placement.mentor, placement, comps, grade=2)
    with pytest.raises(RuleViolation, match="закрыта для изменений"):
        services.submit_assessment(placement.mentor, final, NOW)
    db.session.refresh(final)
    assert final.grade == 5


@pytest.mark.parametrize("rating", [0, 6, -1, 10])
def test_a_rating_outside_one_to_five_is_refused(app, rating):
    placement, comps = bo.trainee_with_competencies()
    with pytest.raises(RuleViolation, match="от 1 до 5") as refusal:
        _save(placement.mentor, placement, comps, ratings={comps[0].id: rating})
    assert refusal.value.field == f"rating-{comps[0].id}"
    assert _count(Assessment) == 0


@pytest.mark.parametrize("grade", [6, 1, 0, True])
def test_a_grade_off_the_five_point_scale_is_refused(app, grade):
    placement, comps = bo.trainee_with_competencies()
    with pytest.raises(RuleViolation, match="от 2 до 5"):
        _save(placement.mentor, placement, comps, grade=grade)
    assert _count(Assessment) == 0


def test_an_unknown_competency_is_refused(app):
    placement, comps = bo.trainee_with_competencies()
    foreign = bo.competencies(builders.specialty(), 1)[0]
    with pytest.raises(RuleViolation, match="нет в плане"):
        _save(placement.mentor, placement, comps, ratings={foreign.id: 4})
    with pytest.raises(RuleViolation, match="нет в плане"):
        _save(placement.mentor, placement, comps, ratings={999_999: 4})
    assert _count(Assessment) == 0


def test_a_mentor_may_not_assess_another_mentors_trainee(app):
    placement, comps = bo.trainee_with_competencies()
    stranger = builders.mentor(placement.enterprise)
    with pytest.raises(RuleViolation, match="только его наставник"):
        _save(stranger, placement, comps)
    final = _save(placement.mentor, placement, comps)
    with pytest.raises(RuleViolation, match="только его наставник"):
        services.submit_assessment(stranger, final, NOW)


@pytest.mark.parametrize("status", [PlacementStatus.DRAFT, PlacementStatus.TERMINATED])
def test_no_assessment_without_practice(app, status):
    placement, comps = bo.trainee_with_competencies(status=status)
    with pytest.raises(RuleViolation, match="действующему или завершённому"):
        _save(placement.mentor, placement, comps)


def test_the_college_score_gives_letter_points_and_word(app):
    placement, _comps = bo.trainee_with_competencies()
    coordinator = builders.coordinator(placement.college)
    final = bo.assessment(placement)
    services.set_college_score(coordinator, final, 87, NOW)
    assert (final.college_score, final.college_graded_by_id) == (87, coordinator.id)
    assert _audit("college_score_set")[0].changes["college_score"] == [None, 87]


@pytest.mark.parametrize("score", [101, -1, "87", 8.5, None])
def test_a_college_score_off_the_scale_is_refused(app, score):
    placement, _comps = bo.trainee_with_competencies()
    final = bo.assessment(placement)
    with pytest.raises(RuleViolation, match="от 0 до 100"):
        services.set_college_score(builders.coordinator(placement.college), final, score, NOW)
    assert final.college_score is None


def test_the_college_score_needs_a_submitted_final_and_the_own_college(app):
    placement, _comps = bo.trainee_with_competencies()
    coordinator = builders.coordinator(placement.college)
    midterm = bo.assessment(placement, AssessmentKind.MIDTERM)
    draft = bo.assessment(placement, submitted=False)
    for assessment in (midterm, draft):
        with pytest.raises(RuleViolation, match="отправленной итоговой"):
            services.set_college_score(coordinator, assessment, 80, NOW)
    draft.submitted_at = NOW
    with pytest.raises(RuleViolation, match="своего колледжа"):
        services.set_college_score(builders.coordinator(), draft, 80, NOW)
    with pytest.raises(RuleViolation, match="своего колледжа"):
        services.set_college_score(placement.mentor, draft, 80, NOW)


# --- pages ------------------------------------------------------------------------------------


def test_mentor_sees_own_trainees_with_their_assessment_state(app, login_as):
    placement, _comps = bo.trainee_with_competencies()
    second = builders.placement(mentor_=placement.mentor)
    bo.assessment(second, AssessmentKind.MIDTERM, grade=4)
    other = builders.placement()
    page = login_as(placement.mentor).get("/assessments/").get_data(as_text=True)
    assert placement.student.full_name in page and second.student.full_name in page
    assert other.student.full_name not in page
    assert f"/assessments/placements/{placement.id}/final" in page
    assert "4 — хорошо" in page


def test_mentor_saves_a_draft_and_then_submits_it_through_the_form(app, login_as):
    placement, comps = bo.trainee_with_competencies()
    client = login_as(placement.mentor)
    url = f"/assessments/placements/{placement.id}/final"
    assert "Компетенция 1" in client.get(url).get_data(as_text=True)
    response = client.post(url, data=_form(comps))
    assert response.status_code == 302
    final = db.session.scalar(select(Assessment))
    assert (final.grade, final.submitted_at) == (4, None)
    assert {r.rating for r in final.ratings} == {4}
    response = client.post(url, data=_form(comps, grade="5", action="submit",
                                           version=str(final.version)))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/assessments/{final.id}"
    db.session.expire_all()
    final = db.session.get(Assessment, final.id)
    assert final.grade == 5 and final.submitted_at is not None
    page = client.get(f"/assessments/{final.id}").get_data(as_text=True)
    assert "5 — отлично" in page and "рекомендован" in page and "изменения закрыты" in page


def test_submit_with_missing_parts_saves_nothing(app, login_as):
    placement, comps = bo.trainee_with_competencies()
    client = login_as(placement.mentor)
    data = _form(comps, action="submit", characterisation="")
    response = client.post(f"/assessments/placements/{placement.id}/final", data=data)
    assert response.status_code == 400
    assert "заполните: характеристика" in response.get_data(as_text=True)
    assert _count(Assessment) == 0


@pytest.mark.parametrize(("field", "value", "message"), [
    ("grade", "6", "от 2 до 5"),
    ("grade", "1", "от 2 до 5"),
    ("grade", "пять", "от 2 до 5"),
    ("rating", "7", "от 1 до 5"),
    ("rating", "0", "от 1 до 5"),
    ("rating", "x", "от 1 до 5"),
])
def test_bad_values_in_the_form_are_refused_with_a_message(app, login_as, field, value, message):
    placement, comps = bo.trainee_with_competencies()
    key = "grade" if field == "grade" else f"rating-{comps[1].id}"
    response = login_as(placement.mentor).post(
        f"/assessments/placements/{placement.id}/final", data=_form(comps, **{key: value}))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _count(Assessment) == 0


def test_a_forged_competency_id_is_refused(app, login_as):
    placement, comps = bo.trainee_with_competencies()
    foreign = bo.competencies(builders.specialty(), 1)[0]
    response = login_as(placement.mentor).post(
        f"/assessments/placements/{placement.id}/final",
        data=_form(comps, **{f"rating-{foreign.id}": "5"}), follow_redirects=True)
    assert "нет в плане специальности" in response.get_data(as_text=True)
    assert _count(Assessment) == 0


def test_another_mentors_trainee_is_not_found(app, login_as):
    placement, comps = bo.trainee_with_competencies()
    draft = bo.assessment(placement, submitted=False)
    client = login_as(builders.mentor(placement.enterprise))
    url = f"/assessments/placements/{placement.id}/final"
    assert client.get(url).status_code == 404
    assert client.post(url, data=_form(comps)).status_code == 404
    assert client.get(f"/assessments/{draft.id}").status_code == 404
    db.session.refresh(draft)
    assert draft.grade == 5


def test_a_forged_post_cannot_change_a_submitted_assessment(app, login_as):
    placement, comps = bo.trainee_with_competencies()
    final = bo.assessment(placement, grade=5, ratings={c.id: 5 for c in comps})
    client = login_as(placement.mentor)
    url = f"/assessments/placements/{placement.id}/final"
    assert client.get(url).headers["Location"] == f"/assessments/{final.id}"
    response = client.post(url, data=_form(comps, grade="2"), follow_redirects=True)
    assert "закрыта для изменений" in response.get_data(as_text=True)
    db.session.expire_all()
    final = db.session.get(Assessment, final.id)
    assert final.grade == 5 and {r.rating for r in final.ratings} == {5}
    assert _audit("updated") == []


def test_coordinator_sets_the_college_score(app, login_as):
    placement, _comps = bo.trainee_with_competencies()
    final = bo.assessment(placement)
    client = login_as(builders.coordinator(placement.college))
    response = client.post(f"/assessments/{final.id}/college-score", data={"college_score": "87"},
                           follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "87 · B+ · хорошо" in page and "3,33" in page
    db.session.expire_all()
    assert db.session.get(Assessment, final.id).college_score == 87


@pytest.mark.parametrize("score", ["101", "-1", "восемьдесят", "8.5", ""])
def test_a_bad_college_score_is_refused_in_the_page(app, login_as, score):
    placement, _comps = bo.trainee_with_competencies()
    final = bo.assessment(placement)
    response = login_as(builders.coordinator(placement.college)).post(
        f"/assessments/{final.id}/college-score", data={"college_score": score})
    assert response.status_code == 400
    assert "от 0 до 100" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Assessment, final.id).college_score is None


def _viewers(placement):
    return {
        "coordinator": (builders.coordinator(placement.college), 200),
        "other coordinator": (builders.coordinator(), 404),
        "employer": (builders.employer(placement.enterprise), 200),
        "other employer": (builders.employer(), 404),
        "student": (placement.student, 200),
        "other student": (builders.student(), 404),
        "mentor": (placement.mentor, 200),
        "other mentor": (builders.mentor(placement.enterprise), 404),
        "admin": (builders.admin(), 200),
    }


@pytest.mark.parametrize("who", ["coordinator", "other coordinator", "employer", "other employer",
                                 "student", "other student", "mentor", "other mentor", "admin"])
def test_who_sees_a_submitted_assessment(app, login_as, who):
    placement, _comps = bo.trainee_with_competencies()
    final = bo.assessment(placement)
    user, expected = _viewers(placement)[who]
    client = login_as(user)
    assert client.get(f"/assessments/{final.id}").status_code == expected
    listed = placement.student.full_name in client.get("/assessments/").get_data(as_text=True)
    assert listed == (expected == 200)


def test_a_draft_is_the_mentors_own(app, login_as):
    placement, _comps = bo.trainee_with_competencies()
    draft = bo.assessment(placement, submitted=False)
    client = login_as(builders.coordinator(placement.college))
    assert client.get(f"/assessments/{draft.id}").status_code == 404
    assert "в работе у наставника" in client.get("/assessments/").get_data(as_text=True)
    assert client.post(f"/assessments/{draft.id}/college-score",
                       data={"college_score": "90"}).status_code in (302, 404)
    db.session.expire_all()
    assert db.session.get(Assessment, draft.id).college_score is None


@pytest.mark.parametrize(("role", "method", "path"), [
    ("coordinator", "get", "/assessments/placements/{p}/final"),
    ("student", "post", "/assessments/placements/{p}/final"),
    ("mentor", "post", "/assessments/{a}/college-score"),
    ("employer", "post", "/assessments/{a}/college-score"),
])
def test_roles_outside_the_action_are_forbidden(app, login_as, role, method, path):
    placement, _comps = bo.trainee_with_competencies()
    final = bo.assessment(placement)
    users = {"coordinator": builders.coordinator(placement.college), "student": placement.student,
             "mentor": placement.mentor, "employer": builders.employer(placement.enterprise)}
    client = login_as(users[role])
    response = getattr(client, method)(path.format(p=placement.id, a=final.id),
                                       data={"college_score": "50", "grade": "2"})
    assert response.status_code == 403


def test_the_characterisation_is_escaped(app, login_as):
    placement, _comps = bo.trainee_with_competencies()
    final = bo.assessment(placement)
    final.characterisation = "<script>alert(1)</script>"
    page = login_as(placement.student).get(f"/assessments/{final.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def _queries_for_list(client, query_counter) -> int:
    with query_counter() as counter:
        assert client.get("/assessments/").status_code == 200
    return counter.count


@pytest.mark.parametrize("role", ["mentor", "coordinator"])
def test_the_list_runs_a_fixed_number_of_queries(app, login_as, query_counter, role):
    mentor = builders.mentor()
    group = builders.group()
    coordinator = builders.coordinator(group.college)

    def add_trainees(n):
        for _ in range(n):
            placement = builders.placement(builders.student(group), mentor)
            bo.assessment(placement, AssessmentKind.MIDTERM)
            bo.assessment(placement)

    add_trainees(2)
    client = login_as(mentor if role == "mentor" else coordinator)
    small = _queries_for_list(client, query_counter)
    add_trainees(6)
    db.session.commit()
    assert _queries_for_list(client, query_counter) == small


def test_the_show_page_keeps_the_history(app, login_as):
    placement, comps = bo.trainee_with_competencies()
    final = _save(placement.mentor, placement, comps)
    services.submit_assessment(placement.mentor, final, NOW)
    page = login_as(placement.mentor).get(f"/assessments/{final.id}").get_data(as_text=True)
    assert "оценка отправлена" in page and "создано" in page



def test_only_the_mentor_sees_the_draft_edits_in_the_history(app, login_as, client):
    placement, comps = bo.trainee_with_competencies()
    final = _save(placement.mentor, placement, comps, grade=3,
                  characterisation="Черновик: слабая сварка швов.")
    _save(placement.mentor, placement, comps, grade=4,
          characterisation="Черновик: сварка швов понемногу лучше.")
    final = _save(placement.mentor, placement, comps)
    services.submit_assessment(placement.mentor, final, NOW)
    employer = builders.employer(placement.enterprise)
    others = (placement.student, builders.coordinator(placement.college), employer)
    for reader in others:
        page = login_as(reader).get(f"/assessments/{final.id}").get_data(as_text=True)
        client.post("/logout")
        assert "оценка отправлена" in page, reader.role
        assert "Черновик" not in page and "создано" not in page, reader.role
    page = login_as(placement.mentor).get(f"/assessments/{final.id}").get_data(as_text=True)
    assert "Черновик: слабая сварка швов." in page and "создано" in page


def _meanwhile(monkeypatch, change) -> None:
    """Run `change` in another connection (another tab) between the form's read and its write."""
    real = services._check_grade

    def other_tab_first(grade):
        with db.engine.begin() as connection:
            change(connection)
        real(grade)

    monkeypatch.setattr(services, "_check_grade", other_tab_first)


def test_a_save_racing_another_tab_gets_a_clear_message(app, login_as, monkeypatch):
    placement, comps = bo.trainee_with_competencies()
    draft = bo.assessment(placement, submitted=False, grade=3)
    client = login_as(placement.mentor)
    table = Assessment.__table__
    _meanwhile(monkeypatch, lambda c: c.execute(
        table.update().where(table.c.id == draft.id).values(grade=2, version=table.c.version + 1)))
    response = client.post(f"/assessments/placements/{placement.id}/final",
                           data=_form(comps, grade="5", version=str(draft.version)))
    assert response.status_code == 400
    assert "Оценку изменили в другой вкладке — обновите страницу." in response.get_data(
        as_text=True)
    db.session.expire_all()
    assert db.session.get(Assessment, draft.id).grade == 2  # the other tab's save stands


def test_two_tabs_starting_the_same_assessment_get_a_clear_message(app, login_as, monkeypatch):
    placement, comps = bo.trainee_with_competencies()
    client = login_as(placement.mentor)
    _meanwhile(monkeypatch, lambda c: c.execute(Assessment.__table__.insert().values(
        placement_id=placement.id, kind=AssessmentKind.FINAL, mentor_id=placement.mentor_id,
        grade=3, characterisation="", recommendation_note="", version=1,
        created_at=NOW, updated_at=NOW)))
    response = client.post(f"/assessments/placements/{placement.id}/final", data=_form(comps))
    assert response.status_code == 400
    assert "Оценку изменили в другой вкладке — обновите страницу." in response.get_data(
        as_text=True)
    assert [a.grade for a in db.session.scalars(select(Assessment))] == [3]


@pytest.mark.parametrize("typed", ["\x1c5", "５", "٣", "5\x00", "1e1"])
def test_a_rating_typed_with_control_or_non_ascii_characters_is_refused_in_words(typed):
    """Found by tests/test_fuzz.py: "\\x1c5" passed the check (str.strip removes \\x1c) and then
    broke int(); full-width and other scripts' digits are not ratings either."""
    from werkzeug.datastructures import MultiDict

    from app.assessments.forms import ratings_from

    ratings, errors = ratings_from(MultiDict({"rating-7": typed, "rating-8": " 4 "}))
    assert ratings == {8: 4}
    assert errors == {7: "Оценка компетенции — от 1 до 5."}
