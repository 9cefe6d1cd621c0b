"""Sending a stored file to the reader who may see it: no caching, no sniffing, a sandbox, and a
name to save it by that is safe on every system."""

import re
from io import BytesIO
from pathlib import PurePosixPath

from flask import Response, abort, current_app, send_file
from werkzeug.utils import secure_filename

from app.files.storage import file_store
from app.files.uploads import PDF

FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def safe_download_name(name: str, content_type: str, fallback: str) -> str:
    """The name it came with, made safe, with the extension of what it really is (werkzeug
    adds the ASCII fallback)."""
    stem = PurePosixPath(name or "").stem
    stem = re.sub(r"[^\w.-]+", "_", stem, flags=re.UNICODE).strip("._")[:80]
    stem = stem or secure_filename(name or "") or fallback
    return stem + (".pdf" if content_type == PDF else ".jpg")


def send_stored(key: str | None, content_type: str, download_name: str,
                inline: bool) -> Response:
    """The stored bytes of `key` as a response (404 when the key or the file is missing)."""
    if key is None:
        abort(404)
    try:
        data = file_store().get(key)
    except FileNotFoundError:
        current_app.logger.error("stored file %s is missing", key)
        abort(404)
    response = send_file(BytesIO(data), mimetype=content_type, as_attachment=not inline,
                         download_name=download_name, etag=False, conditional=False,
                         max_age=None)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
