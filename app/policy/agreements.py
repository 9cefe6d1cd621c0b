"""Who may do what on an agreement: its acceptance by the parties and its changes once in force.

Each predicate answers a refusal in words or None; the acceptance and change services and their
views ask them, templates through `may(...)`."""

from flask_babel import gettext as _

from app.domain.working_time import is_minor
from app.models import ChangeRequest, ChangeStatus, Placement, PlacementStatus, User
from app.policy.parties import is_college_coordinator, is_enterprise_employer, is_placement_student

# The two parties of an agreement, as a change request records who proposed it.
COLLEGE, ENTERPRISE = "college", "enterprise"


def needs_guardian(placement: Placement) -> bool:
    """Whether the trainee is a minor on the first day, so a guardian must confirm."""
    profile = placement.student.student_profile
    return bool(profile and is_minor(profile.birth_date, placement.start_date))


def send_refusal(user: User, placement: Placement) -> str | None:
    if not is_college_coordinator(user, placement.college_id):
        return _("Договор отправляет предприятию координатор колледжа.")
    if placement.status != PlacementStatus.DRAFT:
        return _("Отправить можно только черновик договора.")
    if placement.sent_at is not None and placement.declined_at is None:
        return _("Договор уже отправлен предприятию.")
    return None


def answer_refusal(user: User, placement: Placement) -> str | None:
    """Whether the user may accept or decline the agreement for the enterprise."""
    if not is_enterprise_employer(user, placement.enterprise_id):
        return _("Принять или отклонить договор может только представитель его предприятия.")
    if placement.status != PlacementStatus.DRAFT or placement.sent_at is None:
        return _("Этот договор не ждёт ответа предприятия.")
    if placement.accepted_at is not None or placement.declined_at is not None:
        return _("Предприятие уже ответило на этот договор.")
    return None


def acknowledge_refusal(user: User, placement: Placement) -> str | None:
    if not is_placement_student(user, placement):
        return _("С договором знакомится сам студент.")
    if placement.status != PlacementStatus.DRAFT or placement.accepted_at is None:
        return _("Ознакомиться можно с договором, который принят предприятием.")
    if placement.acknowledged_at is not None:
        return _("Вы уже ознакомились с этим договором.")
    return None


def guardian_link_refusal(user: User, placement: Placement) -> str | None:
    if not is_college_coordinator(user, placement.college_id):
        return _("Ссылку для законного представителя выдаёт координатор колледжа.")
    if not needs_guardian(placement):
        return _("Студенту на дату начала уже 18 лет: подтверждение представителя не нужно.")
    profile = placement.student.student_profile
    if profile is None or not (profile.guardian_name and profile.guardian_phone):
        return _("Сначала укажите имя и телефон законного представителя в карточке студента.")
    if placement.status != PlacementStatus.DRAFT or placement.accepted_at is None:
        return _("Ссылку можно выдать, когда предприятие приняло договор.")
    if placement.guardian_confirmed_at is not None:
        return _("Законный представитель уже подтвердил договор.")
    return None


def party_of(user: User, placement: Placement) -> str | None:
    """Which party of the agreement the user speaks for, if any."""
    if is_college_coordinator(user, placement.college_id):
        return COLLEGE
    if is_enterprise_employer(user, placement.enterprise_id):
        return ENTERPRISE
    return None


def change_request_refusal(user: User, placement: Placement) -> str | None:
    if party_of(user, placement) is None:
        return _("Изменение договора предлагает координатор колледжа или представитель "
                 "предприятия.")
    if placement.status != PlacementStatus.ACTIVE:
        return _("Изменения предлагаются только к действующему договору.")
    return None


def change_answer_refusal(user: User, request: ChangeRequest) -> str | None:
    """Whether the user may approve or decline the request: the other party, while pending."""
    party = party_of(user, request.placement)
    if party is None:
        return _("Ответить на изменение может только другая сторона договора.")
    if request.status != ChangeStatus.PENDING:
        return _("На это изменение уже ответили.")
    if party == party_of_request(request):
        return _("Изменение, предложенное вашей стороной, одобряет или отклоняет другая "
                 "сторона.")
    if request.placement.status != PlacementStatus.ACTIVE:
        return _("Договор больше не действует.")
    return None


def party_of_request(request: ChangeRequest) -> str:
    return request.proposed.get("_party", "")
