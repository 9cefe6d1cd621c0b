"""Official documents: downloads per role, PDFs, the group's diaries as ZIP, public verification."""

import re
from datetime import date
from io import BytesIO

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import clock
from app.authentication import roles_required
from app.documents import queries, services
from app.documents.content import (
    agreement_as_shown,
    agreement_content,
    assessment_content,
    diary_content,
    report_content,
)
from app.documents.printing import Stamp, document_pdf
from app.documents.services import format_code, issue_document
from app.domain.grades import FIVE_POINT_WORDS
from app.evidence.queries import thumbnail_uris
from app.extensions import db, limiter
from app.forms import ActionForm
from app.i18n import format_date
from app.jobs import services as jobs
from app.jobs.tasks import GROUP_DIARIES
from app.labels import label
from app.listing import ListRequest, paginate
from app.models import Assessment, DocumentKind, Group, HireRecommendation, Placement, Role
from app.policy.documents import may_collect_group_diaries, may_issue_report
from app.policy.parties import is_admin, is_coordinator, is_mentor
from app.scopes import get_scoped_or_404
from app.web import register_nav

bp = Blueprint("documents", __name__)

register_nav("documents.index", _l("Документы"))

PDF = "application/pdf"


def _locale() -> str:
    """The language asked for by `?lang=`, else the user's current one."""
    wanted = request.args.get("lang", "")
    return wanted if wanted in current_app.config["LANGUAGES"] else str(get_locale())


def _safe_name(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("_")[:80] or "document"


def _pdf_response(data: bytes, filename: str) -> Response:
    response = send_file(BytesIO(data), mimetype=PDF, as_attachment=True,
                         download_name=filename, etag=False, conditional=False, max_age=None)
    response.headers["Cache-Control"] = "no-store"
    return response


def _issue_and_send(kind: DocumentKind, content: dict, object_id: int | None, filename: str,
                    year: int | None = None, shown: dict | None = None,
                    images: dict[str, str] | None = None) -> Response:
    """Issue (hashing the canonical `content`) and print `shown`, the reader's view of it."""
    locale = _locale()
    stamp = Stamp.of(issue_document(kind, content, locale, current_user, object_id, year))
    db.session.commit()
    return _pdf_response(document_pdf(shown or content, stamp, locale, images), filename)


@bp.get("/documents")
@login_required
def index():
    page = paginate(queries.placements_of(current_user), ListRequest.from_args({"_": 0}, "_"))
    placements = list(page.items)
    assessments = queries.submitted_assessments([p.id for p in placements])
    may_report = may_issue_report(current_user) is None
    college_id = current_user.college_id if is_coordinator(current_user) else None
    return render_template(
        "documents/index.html", page=page, placements=placements, assessments=assessments,
        groups=queries.groups_of(current_user) if may_collect_group_diaries(current_user) is None
        else [],
        years=queries.graduation_years(college_id) if may_report else [],
        may_report=may_report, languages=current_app.config["LANGUAGES"],
    )


@bp.get("/documents/diary/<int:placement_id>.pdf")
@login_required
def diary(placement_id: int):
    get_scoped_or_404(Placement, placement_id)
    placement = queries.placement_for_document(placement_id) or abort(404)
    entries = queries.approved_entries([placement_id])[placement_id]
    content = diary_content(placement, entries)
    # The foreman's copy shows the photos' thumbnails beside the entries (the content is the same).
    images = thumbnail_uris(content) if is_mentor(current_user) else None
    return _issue_and_send(DocumentKind.DIARY, content, placement_id,
                           f"diary-{placement_id}-{_safe_name(placement.student.full_name)}.pdf",
                           images=images)


@bp.get("/documents/agreement/<int:placement_id>.pdf")
@login_required
def agreement(placement_id: int):
    get_scoped_or_404(Placement, placement_id)
    placement = queries.placement_for_document(placement_id) or abort(404)
    content = agreement_content(placement)
    # Coordinator and admin prepare it for signing; the student sees their own data.
    full_identity = (is_coordinator(current_user) or is_admin(current_user)
                     or current_user.id == placement.student_id)
    return _issue_and_send(DocumentKind.AGREEMENT, content, placement_id,
                           f"agreement-{placement_id}.pdf",
                           shown=agreement_as_shown(content, full_identity))


@bp.get("/documents/assessment/<int:assessment_id>.pdf")
@login_required
def assessment(assessment_id: int):
    get_scoped_or_404(Assessment, assessment_id)
    found = queries.assessment_for_document(assessment_id) or abort(404)
    return _issue_and_send(DocumentKind.ASSESSMENT, assessment_content(found), assessment_id,
                           f"assessment-{assessment_id}.pdf")


@bp.get("/documents/report.pdf")
@roles_required(Role.COORDINATOR, Role.ADMIN)
def report():
    if is_coordinator(current_user):
        college_id = current_user.college_id
    else:
        college_id = request.args.get("college", type=int)
        if college_id is not None and queries.college_names(college_id)["college"] is None:
            abort(404)
    year = request.args.get("year", type=int)
    if year is None:
        years = queries.graduation_years(college_id)
        year = years[0] if years else clock.today().year
    if not 1990 <= year <= 2100:
        abort(404)
    content = report_content(college_id, year)
    return _issue_and_send(DocumentKind.REPORT, content, college_id,
                           f"employment-report-{year}.pdf", year=year)


@bp.route("/documents/group/<int:group_id>/diaries.zip", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR, Role.ADMIN)
def group_diaries(group_id: int):
    """A group's diaries as one ZIP: a background job (25 PDFs outlast a request).

    GET offers to start it; POST starts it (or joins the same one under way) and leads to
    the job's page, where the archive is downloaded when it is ready."""
    group = get_scoped_or_404(Group, group_id)
    if may_collect_group_diaries(current_user, group):
        abort(403)
    locale = _locale()
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        job = jobs.start(current_user, GROUP_DIARIES, {
            "group_id": group.id, "locale": locale, "base_url": request.url_root,
            "label": f"{group.code} · {locale.upper()}",
        }, subject=f"group:{group.id}:{locale}")
        db.session.commit()
        return redirect(url_for("jobs.show", job_id=job.id))
    return render_template("jobs/group_diaries.html", group=group, locale=locale, form=form)


# --- public verification -----------------------------------------------------------------------


KIND_NAMES = {
    DocumentKind.DIARY.value: _l("Дневник производственной практики"),
    DocumentKind.ASSESSMENT.value: _l("Аттестационный лист и характеристика"),
    DocumentKind.AGREEMENT.value: _l("Договор о дуальном обучении"),
    DocumentKind.REPORT.value: _l("Отчёт о трудоустройстве выпускников"),
    DocumentKind.INDUCTION.value: _l("Запись об инструктаже по охране труда"),
    DocumentKind.WORK_EXPERIENCE.value: _l("Справка о стаже дуального обучения"),
}


def _iso_date(value: str | None) -> str:
    return format_date(date.fromisoformat(value), "dd.MM.yyyy") if value else ""


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_RATE_LIMIT", "60 per minute")


@bp.get("/verify")
@limiter.limit(_verify_limit)
def verify_form():
    code = (request.args.get("code") or "").strip()[:64]
    if code:
        return redirect(url_for("documents.verify", code=code))
    return render_template("documents/verify.html", result=None, code="")


@bp.get("/verify/<path:code>")
@limiter.limit(_verify_limit)
def verify(code: str):
    result = services.verify(code)
    shown = format_code(result.document.code) if result.document else ""
    response = Response(render_template(
        "documents/verify.html", result=result, code=shown, kind_names=KIND_NAMES,
        fmt_date=_iso_date, grade_words=FIVE_POINT_WORDS,
        hire_names={h.value: label(h) for h in HireRecommendation},
    ))
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response
