"""The work behind each kind of job. A task reads its job's parameters, reports progress,
and writes its result file into the job's folder; a refusal is a `JobFailure`."""

import re
import zipfile

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.documents import queries as documents
from app.documents.content import diary_contents
from app.documents.printing import Stamp, document_pdf
from app.documents.services import issue_many
from app.extensions import db
from app.jobs.services import JobFailure, JobResult, Progress, results_dir, task
from app.models import DocumentKind, Group, Job
from app.scopes import scoped

GROUP_DIARIES = "group_diaries"

KIND_NAMES = {
    GROUP_DIARIES: _l("Дневники группы одним архивом (ZIP)"),
}


def file_name(text: str) -> str:
    """A name safe in an archive or a download, letters of every alphabet kept."""
    return re.sub(r"[^\w.-]+", "_", text, flags=re.UNICODE).strip("_")[:80] or "document"


@task(GROUP_DIARIES)
def group_diaries(job: Job, progress: Progress) -> JobResult:
    """Every diary of a group, issued (codes recorded) and printed into one ZIP."""
    owner = job.owner
    group = db.session.scalar(scoped(Group, owner).where(Group.id == job.params["group_id"]))
    if group is None:
        raise JobFailure(_("Группа не найдена или больше вам недоступна."))
    locale = job.params["locale"]
    placements = documents.group_placements(group)
    entries = documents.approved_entries([p.id for p in placements])
    contents = diary_contents(placements, entries)  # a fixed number of queries
    issued = issue_many(DocumentKind.DIARY, contents, locale, owner, group)
    stamps = {pid: Stamp.of(document) for pid, document in issued.items()}
    name = f"diaries-{file_name(group.code)}.zip"
    total = len(contents)
    progress(0, total)  # commits the issued codes; only plain data is used below
    folder = results_dir(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    path, partial = folder / name, folder / f"{name}.part"
    # The verification links in the QR codes point where the owner asked from.
    with current_app.test_request_context("/", base_url=job.params.get("base_url")), \
            zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, (pid, content) in enumerate(contents.items(), start=1):
            archive.writestr(f"{file_name(content['student'])}-{pid}.pdf",
                             document_pdf(content, stamps[pid], locale))
            progress(done, total)
    partial.replace(path)  # whole or not at all: a half-written archive is never offered
    return JobResult(path, name)
