"""Uploaded files kept between the preview and the confirmation, on disk, per coordinator.

The confirmation form carries only a random token; the kind, the file name and the owner are
read from our own record beside the file, never from the form. A confirmation claims the file
(renames it), and it is released only once the import has committed; an import that fails or
dies gives it back, so the user can confirm again and is never told "already imported" when
nothing was.
"""

import contextlib
import enum
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app

KEEP_SECONDS = 24 * 3600
# A claim older than this belongs to an import that died (a request is killed long before).
STALE_CLAIM_SECONDS = 300
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


@dataclass(frozen=True)
class KeptUpload:
    token: str
    owner_id: int
    kind: str
    filename: str
    data: bytes
    choices: dict = field(default_factory=dict)  # what the coordinator chose in the preview


def _folder() -> Path:
    folder = Path(current_app.config.get("IMPORT_FOLDER")
                  or Path(current_app.instance_path) / "imports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(owner_id: int, kind: str, filename: str, data: bytes) -> str:
    """Store an upload for its owner; returns the token that names it."""
    folder = _folder()
    _forget_stale(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.data").write_bytes(data)
    (folder / f"{token}.json").write_text(json.dumps(
        {"owner_id": owner_id, "kind": kind, "filename": filename[:200]}))
    return token


class Claim(enum.Enum):
    READY = "ready"  # the upload is the caller's to import now
    DONE = "done"  # it was imported (committed) already
    BUSY = "busy"  # another confirmation is importing it right now
    MISSING = "missing"  # no such upload of this owner, or it has expired


def claim(token: str, owner_id: int, was_imported: Callable[[str], bool]
          ) -> tuple[Claim, KeptUpload | None]:
    """Take the owner's upload for an import; give it back with `restore` or `release` it.

    A claim left behind by a process that died mid-import is recovered once it is stale, unless
    the database (`was_imported(token)`) says that import committed.
    """
    if not _TOKEN.match(token or ""):
        return Claim.MISSING, None
    folder = _folder()
    meta_path = folder / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return Claim.MISSING, None
    if meta.get("owner_id") != owner_id:
        return Claim.MISSING, None
    if meta.get("imported"):
        return Claim.DONE, None
    data_path, taken = folder / f"{token}.data", folder / f"{token}.taken"
    try:
        # A rename is atomic: of two confirmations sent at once, only one gets the file.
        data_path.rename(taken)
    except OSError:
        try:
            claimed_at = taken.stat().st_mtime
        except OSError:
            return Claim.MISSING, None
        if time.time() - claimed_at < STALE_CLAIM_SECONDS:
            return Claim.BUSY, None
        if was_imported(token):
            release(KeptUpload(token, owner_id, meta["kind"], meta["filename"], b""))
            return Claim.DONE, None
        # Give the dead import's claim back, then claim it again like any other: of two
        # requests doing this at once, only one wins the second rename.
        with contextlib.suppress(OSError):
            taken.rename(data_path)
        try:
            data_path.rename(taken)
        except OSError:
            return Claim.BUSY, None
    os.utime(taken)  # the claim's time, for telling a live import from a dead one
    try:
        data = taken.read_bytes()
    except OSError:
        return Claim.MISSING, None
    return Claim.READY, KeptUpload(token, owner_id, meta["kind"], meta["filename"], data,
                                   meta.get("choices") or {})


def restore(kept: KeptUpload) -> None:
    """Give a claimed upload back (the import did not commit): it can be confirmed again."""
    folder = _folder()
    with contextlib.suppress(OSError):
        (folder / f"{kept.token}.taken").rename(folder / f"{kept.token}.data")


def release(kept: KeptUpload) -> None:
    """After the import committed: drop the file, remember that it was imported."""
    folder = _folder()
    meta_path = folder / f"{kept.token}.json"
    try:
        meta = json.loads(meta_path.read_text())
        meta["imported"] = True
        meta_path.write_text(json.dumps(meta))
    except (OSError, ValueError):
        pass
    (folder / f"{kept.token}.taken").unlink(missing_ok=True)
    (folder / f"{kept.token}.data").unlink(missing_ok=True)


def peek(token: str, owner_id: int) -> KeptUpload | None:
    """The owner's upload still waiting for confirmation (not claimed, not imported)."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
        if meta.get("owner_id") != owner_id or meta.get("imported"):
            return None
        data = (folder / f"{token}.data").read_bytes()
    except (OSError, ValueError):
        return None
    return KeptUpload(token, owner_id, meta["kind"], meta["filename"], data,
                      meta.get("choices") or {})


def choose(token: str, owner_id: int, choices: dict) -> bool:
    """Remember the owner's choices for an upload still waiting; False if there is none."""
    if peek(token, owner_id) is None:
        return False
    meta_path = _folder() / f"{token}.json"
    meta = json.loads(meta_path.read_text())
    meta["choices"] = choices
    meta_path.write_text(json.dumps(meta))
    return True


def marker(token: str) -> str:
    """What the audit event of a committed import records of its upload (not the token)."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _forget_stale(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
