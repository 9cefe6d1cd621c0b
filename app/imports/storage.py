"""Uploaded files kept between the preview and the confirmation, on disk, per coordinator.

The confirmation form carries only a random token; the kind, the file name and the owner are
read from our own record beside the file, never from the form.
"""

import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


@dataclass(frozen=True)
class KeptUpload:
    token: str
    owner_id: int
    kind: str
    filename: str
    data: bytes


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


def claim(token: str, owner_id: int) -> KeptUpload | None:
    """Take the owner's upload out of keeping (once: a second claim finds nothing)."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    meta_path = folder / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text())
    except (OSError, ValueError):
        return None
    if meta.get("owner_id") != owner_id:
        return None
    taken = folder / f"{token}.taken"
    try:
        # A rename is atomic: of two confirmations sent at once, only one gets the file.
        (folder / f"{token}.data").rename(taken)
    except OSError:
        return None
    try:
        data = taken.read_bytes()
    finally:
        taken.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
    return KeptUpload(token, owner_id, meta["kind"], meta["filename"], data)


def _forget_stale(folder: Path) -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            continue
