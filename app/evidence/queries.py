"""Reads of the entries' files, each in one query whatever the number of entries."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.models import EntryAttachment


def attachments_by_entry(entry_ids: Iterable[int]) -> dict[int, list[EntryAttachment]]:
    """The files of the entries, by entry, in upload order (one query; callers load the entries
    through their scope first)."""
    ids = sorted(set(entry_ids))
    found: dict[int, list[EntryAttachment]] = defaultdict(list)
    if not ids:
        return found
    rows = db.session.scalars(
        select(EntryAttachment).where(EntryAttachment.entry_id.in_(ids))
        .order_by(EntryAttachment.entry_id, EntryAttachment.id)
    )
    for attachment in rows:
        found[attachment.entry_id].append(attachment)
    return found


def count_for(entry_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(EntryAttachment)
        .where(EntryAttachment.entry_id == entry_id)
    ) or 0


def attachments_part(attachments: list[EntryAttachment] | None) -> dict[str, Any]:
    """An entry's files as the printed diary lists them (and its content hash covers): nothing
    at all for an entry without files, so diaries issued before files existed stay current."""
    if not attachments:
        return {}
    return {"attachments": [
        {"name": a.name, "type": "image" if a.is_image else "pdf", "size": a.size,
         "pages": a.pages, "sha256": a.file_key}
        for a in attachments
    ]}
