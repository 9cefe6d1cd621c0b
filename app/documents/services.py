"""Issuing documents (a code and the hash of their content) and verifying them by code."""

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.audit import record
from app.documents import queries
from app.documents.content import content_hash, current_content, summary_of
from app.extensions import db
from app.labels import register_actions
from app.models import DocumentKind, IssuedDocument, User

# No 0/O, 1/I/L: a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
# Looked up instead of a malformed code, so junk costs the same query as a well-formed guess.
_NEVER_ISSUED = "0" * CODE_LENGTH

register_actions({
    "document_issued": _l("документ выдан"),
    "documents_issued": _l("документы выданы"),
})


def new_code() -> str:
    """A fresh random verification code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def format_code(code: str) -> str:
    """The code as printed: two groups of five, e.g. ABCDE-FGH23."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(raw: str) -> str | None:
    """The code a person typed, without spaces and dashes, upper-cased; None if it can't be one."""
    if len(raw) > 4 * CODE_LENGTH:
        return None
    code = "".join(ch for ch in raw.upper() if ch not in " -\t")
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return code


def issue_document(kind: DocumentKind, content: dict[str, Any], locale: str,
                   issued_by: User | None, object_id: int | None,
                   year: int | None = None) -> IssuedDocument:
    """Record the issue of a document; the same unchanged content keeps its existing code."""
    digest = content_hash(content)
    existing = queries.existing_document(kind, object_id, year, locale, digest)
    if existing is not None:
        return existing
    document = _new_document(kind, content, digest, locale, issued_by, object_id, year)
    db.session.add(document)
    db.session.flush()
    _audit(issued_by, [document])
    return document


def issue_many(kind: DocumentKind, contents: dict[int, dict[str, Any]], locale: str,
               issued_by: User | None, batch: Any) -> dict[int, IssuedDocument]:
    """Issue the documents of many objects at once, in a fixed number of statements.

    The audit trail gets one event on `batch` (e.g. the group) listing the new codes.
    """
    digests = {object_id: content_hash(content) for object_id, content in contents.items()}
    known = queries.existing_documents(kind, list(contents), locale)
    issued: dict[int, IssuedDocument] = {}
    new: list[IssuedDocument] = []
    for object_id, content in contents.items():
        document = known.get((object_id, digests[object_id]))
        if document is None:
            document = _new_document(kind, content, digests[object_id], locale, issued_by,
                                     object_id, None)
            new.append(document)
        issued[object_id] = document
    if new:
        db.session.add_all(new)
        db.session.flush()
        record(issued_by, "documents_issued", batch, {
            "kind": [None, kind.value], "codes": [None, [doc.code for doc in new]],
        })
        db.session.flush()
    return issued


def _new_document(kind: DocumentKind, content: dict[str, Any], digest: str, locale: str,
                  issued_by: User | None, object_id: int | None,
                  year: int | None) -> IssuedDocument:
    return IssuedDocument(
        code=new_code(), kind=kind, object_id=object_id, year=year, locale=locale,
        content_hash=digest, summary=summary_of(content),
        issued_by_id=issued_by.id if issued_by else None,
    )


def _audit(actor: User | None, documents: list[IssuedDocument]) -> None:
    for document in documents:
        record(actor, "document_issued", document, {
            "kind": [None, document.kind.value], "code": [None, document.code],
            "object_id": [None, document.object_id], "year": [None, document.year],
        })


@dataclass(frozen=True)
class Verification:
    status: str  # "current", "changed" or "unknown"
    document: IssuedDocument | None = None


def verify(raw_code: str) -> Verification:
    """Whether a code names an issued document, and whether its records still match the print."""
    code = normalise_code(raw_code)
    candidate = code or _NEVER_ISSUED
    document = queries.issued_by_code(candidate)
    matches = document is not None and hmac.compare_digest(
        document.code.encode(), candidate.encode()
    )
    if code is None or not matches or document is None:
        return Verification("unknown")
    content = current_content(document.kind, document.object_id, document.year)
    current = content is not None and hmac.compare_digest(
        content_hash(content), document.content_hash
    )
    return Verification("current" if current else "changed", document)
