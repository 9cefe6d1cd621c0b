"""Reads of the entries' files, each in one query whatever the number of entries."""

import base64
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select

from app.extensions import db
from app.files.storage import file_store
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


def entries_with_files(entry_ids: Iterable[int]) -> set[int]:
    """Which of the entries hold files (one query)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return set()
    return set(db.session.scalars(
        select(EntryAttachment.entry_id).where(EntryAttachment.entry_id.in_(ids)).distinct()))


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


PRINTED_THUMBNAILS = 60  # a diary's printed photos, at most: the PDF stays a few megabytes


def thumbnail_uris(diary: dict[str, Any]) -> dict[str, str]:
    """The thumbnails of a diary content's photos as data: URIs by file key (one query)."""
    keys = [f["sha256"] for e in diary["entries"] for f in e.get("attachments", [])
            if f["type"] == "image"][:PRINTED_THUMBNAILS]
    if not keys:
        return {}
    thumbs = dict(db.session.execute(
        select(EntryAttachment.file_key, EntryAttachment.thumb_key)
        .where(EntryAttachment.file_key.in_(keys), EntryAttachment.thumb_key.is_not(None))
    ).all())
    uris = {}
    store = file_store()
    for key, thumb in thumbs.items():
        if thumb is None:  # left out by the query (a column that may be NULL)
            continue
        try:
            data = store.get(thumb)
        except FileNotFoundError:
            continue
        uris[key] = "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
    return uris
