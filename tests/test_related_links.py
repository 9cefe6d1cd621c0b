"""Object pages lead to each other: student ↔ placement ↔ diary ↔ assessments ↔ documents ↔
outcome, mentors and enterprises to their trainees, with breadcrumbs — at fixed query counts."""

from app.models import AssessmentKind, OutcomeKind, PlacementStatus
from tests import builders
from tests import builders_outcomes as bo


def _text(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _placement_world():
    placement = builders.placement()
    coordinator = builders.coordinator(placement.college)
    final = bo.assessment(placement)
    outcome = bo.outcome(placement=placement, kind=OutcomeKind.HIRED_BY_HOST)
    return placement, coordinator, final, outcome


def test_placement_page_links_everything_around_it(login_as):
    placement, coordinator, final, outcome = _placement_world()
    page = _text(login_as(coordinator).get(f"/placements/{placement.id}"))
    assert 'class="breadcrumbs"' in page
    for href in ("/placements/", f"/students/{placement.student_id}",
                 f"/mentors/{placement.mentor_id}", f"/enterprises/{placement.enterprise_id}",
                 f"/diary/{placement.id}", f"/assessments/{final.id}", "/documents",
                 f"/outcomes/{outcome.id}"):
        assert f'href="{href}"' in page, href


def test_placement_page_links_only_what_the_role_may_open(login_as):
    placement, _coordinator, final, outcome = _placement_world()
    page = _text(login_as(placement.student).get(f"/placements/{placement.id}"))
    assert f'href="/diary/{placement.id}"' in page
    assert f'href="/assessments/{final.id}"' in page
    for hidden in (f"/students/{placement.student_id}", f"/mentors/{placement.mentor_id}",
                   f"/outcomes/{outcome.id}"):
        assert f'href="{hidden}"' not in page


def test_student_page_links_placements_diaries_and_outcome(login_as):
    placement, coordinator, _final, outcome = _placement_world()
    draft = builders.placement(placement.student, status=PlacementStatus.DRAFT)
    page = _text(login_as(coordinator).get(f"/students/{placement.student_id}"))
    assert 'href="/students"' in page  # breadcrumb back to the list
    for href in (f"/placements/{placement.id}", f"/diary/{placement.id}",
                 f"/placements/{draft.id}", f"/outcomes/{outcome.id}"):
        assert f'href="{href}"' in page, href
    assert f'href="/diary/{draft.id}"' not in page  # a draft has no diary yet


def test_mentor_and_enterprise_pages_link_their_trainees(login_as):
    placement = builders.placement()
    employer = builders.employer(placement.enterprise)
    client = login_as(employer)
    mentor_page = _text(client.get(f"/mentors/{placement.mentor_id}"))
    assert f'href="/placements/{placement.id}"' in mentor_page
    enterprise_page = _text(client.get(f"/enterprises/{placement.enterprise_id}"))
    assert (f'href="/placements/?enterprise={placement.enterprise_id}&amp;status=active"'
            in enterprise_page)


def test_assessment_outcome_and_documents_lead_back_to_the_placement(login_as):
    placement, coordinator, final, outcome = _placement_world()
    client = login_as(coordinator)
    assessment = _text(client.get(f"/assessments/{final.id}"))
    assert f'href="/placements/{placement.id}"' in assessment
    assert f'href="/diary/{placement.id}"' in assessment
    ledger = _text(client.get(f"/outcomes/{outcome.id}"))
    for href in (f"/placements/{placement.id}", f"/students/{placement.student_id}",
                 f"/diary/{placement.id}"):
        assert f'href="{href}"' in ledger
    documents = _text(client.get("/documents"))
    assert f'href="/placements/{placement.id}"' in documents


def test_linked_pages_keep_a_fixed_query_count(login_as, query_counter):
    bare = builders.placement()
    coordinator = builders.coordinator(bare.college)
    group = bare.student.student_profile.group
    rich = builders.placement(builders.student(group), bare.mentor)
    bo.assessment(rich, kind=AssessmentKind.MIDTERM)
    bo.assessment(rich)
    bo.outcome(placement=rich, kind=OutcomeKind.HIRED_BY_HOST)
    for _ in range(3):
        builders.placement(rich.student, bare.mentor, status=PlacementStatus.COMPLETED)
    client = login_as(coordinator)
    counts = {}
    for name, placement in (("bare", bare), ("rich", rich)):
        with query_counter() as shown:
            _text(client.get(f"/placements/{placement.id}"))
        with query_counter() as student:
            _text(client.get(f"/students/{placement.student_id}"))
        counts[name] = (shown.count, student.count)
    assert counts["bare"] == counts["rich"]
