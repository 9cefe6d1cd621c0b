"""Where uploaded files live: a folder under instance/ or an S3-compatible bucket.

Keys are the SHA-256 of the stored bytes (hex), so the same photo uploaded twice is kept once
and a name says nothing about its owner. A file is written before the row that refers to it,
inside `kept_on_commit`: if the transaction fails, the files it created are deleted again, so
there is never a row without its file nor a file left behind by a refused upload.
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from flask import current_app
from sqlalchemy import select, union

from app.extensions import db

KEY = re.compile(r"[0-9a-f]{64}")


def key_of(data: bytes) -> str:
    """The content address of some bytes: their SHA-256 in hex."""
    return hashlib.sha256(data).hexdigest()


def _checked(key: str) -> str:
    if not KEY.fullmatch(key):
        raise ValueError("not a file key")
    return key


class FileStore(Protocol):
    """The few operations the app needs of a place that keeps files."""

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        """Keep `data` under `key`; True if it was not there before."""

    def get(self, key: str) -> bytes:
        """The bytes kept under `key` (FileNotFoundError when missing)."""

    def delete(self, key: str) -> None:
        """Remove the file under `key`, if any."""

    def exists(self, key: str) -> bool: ...

    def listing(self) -> Iterator[tuple[str, datetime]]:
        """Every key kept, with the moment it was written (naive UTC)."""


class LocalFileStore:
    """Files in a folder (instance/files by default), fanned out by the key's first two digits."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        key = _checked(key)
        return self.root / key[:2] / key

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        path = self.path(key)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside and renamed into place: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(tmp, 0o640)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True

    def get(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def listing(self) -> Iterator[tuple[str, datetime]]:
        if not self.root.is_dir():
            return
        for path in self.root.glob("??/*"):
            if KEY.fullmatch(path.name) and path.is_file():
                written = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
                yield path.name, written


class S3FileStore:
    """Files in a bucket of any S3-compatible store (AWS, MinIO, Ceph, a cloud's object storage)
    through boto3; credentials come from boto3's usual environment variables or profile."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, **client_args) -> None:
        if client is None:
            import boto3

            client = boto3.client("s3", **{k: v for k, v in client_args.items() if v})
        self.client = client
        self.bucket = bucket
        self.prefix = prefix

    def _name(self, key: str) -> str:
        return self.prefix + _checked(key)

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        if self.exists(key):
            return False
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data,
                               ContentType=content_type)
        return True

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise FileNotFoundError(key) from None
            raise
        return found["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def listing(self) -> Iterator[tuple[str, datetime]]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix)
        for page in pages:
            for item in page.get("Contents", []):
                key = item["Key"][len(self.prefix):]
                if KEY.fullmatch(key):
                    yield key, item["LastModified"].astimezone(UTC).replace(tzinfo=None)


def file_store() -> FileStore:
    """The store the configuration names (FILES_BACKEND: local | s3), one per app."""
    app = current_app
    store = app.extensions.get("shakirt_files")
    if store is None:
        config = app.config
        if config.get("FILES_BACKEND", "local") == "s3":
            store = S3FileStore(
                config["FILES_S3_BUCKET"], config.get("FILES_S3_PREFIX", ""),
                endpoint_url=config.get("FILES_S3_ENDPOINT_URL"),
                region_name=config.get("FILES_S3_REGION"),
            )
        else:
            store = LocalFileStore(config.get("FILES_DIR")
                                   or Path(app.instance_path) / "files")
        app.extensions["shakirt_files"] = store
    return store


# --- written with the transaction --------------------------------------------------------------

_created: ContextVar[list[str] | None] = ContextVar("files_created", default=None)


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    content_type: str


def store(data: bytes, content_type: str) -> StoredFile:
    """Write bytes to the store under their content address; only inside `kept_on_commit`."""
    created = _created.get()
    if created is None:
        raise RuntimeError("files are stored inside kept_on_commit(), with the rows naming them")
    key = key_of(data)
    if file_store().put(key, data, content_type):
        created.append(key)
    return StoredFile(key, len(data), content_type)


@contextmanager
def kept_on_commit(session) -> Iterator[None]:
    """Run the block and commit; if anything fails (a refusal, the flush, the commit), roll back
    and delete the files the block wrote, then let the error go on to the caller."""
    created: list[str] = []
    token = _created.set(created)
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        for key in created:
            file_store().delete(key)
        raise
    finally:
        _created.reset(token)


# --- who refers to a file ----------------------------------------------------------------------

FILE_COLUMNS: list[Any] = []


def register_file_columns(*columns: Any) -> None:
    """Name the columns that hold file keys (a feature package does it once, at import)."""
    for column in columns:
        if column not in FILE_COLUMNS:
            FILE_COLUMNS.append(column)


def referenced(keys: set[str]) -> set[str]:
    """The keys among `keys` that some row still names (one query per 500 keys)."""
    if not keys or not FILE_COLUMNS:
        return set()
    found: set[str] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):  # bounded IN lists for the orphan sweep
        chunk = ordered[start:start + 500]
        selects = [select(column.label("key")).where(column.in_(chunk))
                   for column in FILE_COLUMNS]
        found.update(db.session.scalars(union(*selects)))
    return found


def release(keys: set[str]) -> int:
    """After a commit that removed rows: delete those of their files no row names any more."""
    keys = {k for k in keys if k}
    unused = keys - referenced(keys)
    for key in unused:
        file_store().delete(key)
    return len(unused)


def clean_orphans(now: datetime, grace: timedelta = timedelta(hours=1)) -> int:
    """Delete stored files no row names, written more than `grace` ago (an upload in progress
    has written its file but not yet committed its row)."""
    old = {key for key, written in file_store().listing() if written < now - grace}
    unused = old - referenced(old)
    for key in unused:
        file_store().delete(key)
    return len(unused)
