"""Backup and restore: the database (SQLite's online backup, PostgreSQL's pg_dump) and the
uploaded files, in one ZIP with a manifest of every table's row count and checksum.

A restore checks the whole archive before it touches anything: a truncated or altered file is
refused with the database unchanged, and a database that already holds data is refused unless
the caller says to replace it. On SQLite the copy is verified against the manifest before it is
written over the live database (page by page through the backup API, so open connections stay
valid); on PostgreSQL pg_restore runs in one transaction.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import Connection, Engine, MetaData, create_engine, inspect, make_url, select, text

from app import clock
from app.models import BOOKKEEPING_TABLES, Base

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_PAYLOAD = "database.sqlite3"
POSTGRES_PAYLOAD = "database.pgdump"
FILES_PREFIX = "files/"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class TableSum:
    rows: int
    checksum: str


# --- what a database holds --------------------------------------------------------------------


def table_sums(connection: Connection) -> dict[str, TableSum]:
    """Every table's row count and a checksum of its rows in primary-key order."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    sums = {}
    for table in metadata.sorted_tables:
        order = list(table.primary_key.columns) or list(table.columns)
        digest, rows = hashlib.sha256(), 0
        for row in connection.execute(select(table).order_by(*order)):
            digest.update(repr(tuple(row)).encode())
            rows += 1
        sums[table.name] = TableSum(rows, digest.hexdigest())
    return sums


def holds_data(connection: Connection) -> bool:
    """True when any table of the domain holds a row."""
    existing = set(inspect(connection).get_table_names())
    return any(
        connection.execute(select(table).limit(1)).first() is not None
        for table in Base.metadata.sorted_tables
        if table.name in existing and table.name not in BOOKKEEPING_TABLES
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _files_under(folders: dict[str, Path]) -> Iterable[tuple[str, Path]]:
    for name, folder in sorted(folders.items()):
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            yield f"{FILES_PREFIX}{name}/{path.relative_to(folder).as_posix()}", path


# --- backup -----------------------------------------------------------------------------------


def make_backup(engine: Engine, target: Path, folders: dict[str, Path]) -> dict:
    """Write the database and the files of `folders` (name -> folder) into the ZIP `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        dialect = engine.dialect.name
        if dialect == "sqlite":
            payload_name, payload = SQLITE_PAYLOAD, Path(scratch) / SQLITE_PAYLOAD
            _sqlite_copy(engine, payload)
            copy = create_engine(f"sqlite:///{payload}")
            try:
                with copy.connect() as connection:
                    sums = table_sums(connection)
            finally:
                copy.dispose()
        elif dialect == "postgresql":
            payload_name, payload = POSTGRES_PAYLOAD, Path(scratch) / POSTGRES_PAYLOAD
            # One snapshot for the checksums and the dump: pg_dump joins the exported one.
            snapshot_reader = engine.connect().execution_options(isolation_level="REPEATABLE READ")
            with snapshot_reader as connection, connection.begin():
                snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
                _pg_run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}",
                         "--file", str(payload)], engine)
                sums = table_sums(connection)
        else:
            raise BackupError(f"Backups of {dialect} databases are not supported.")
        files = list(_files_under(folders))
        manifest = {
            "format": FORMAT,
            "dialect": dialect,
            "created_at": clock.now().isoformat(),
            "payload": {"name": payload_name, "sha256": _sha256(payload)},
            "tables": {name: {"rows": s.rows, "checksum": s.checksum} for name, s in sums.items()},
            "files": {name: _sha256(path) for name, path in files},
        }
        partial = target.with_name(target.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED,
                             allowZip64=True) as archive:
            archive.write(payload, payload_name)
            for name, path in files:
                archive.write(path, name)
            # The manifest goes last: an archive cut short has none and is refused at once.
            archive.writestr(MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False))
        os.replace(partial, target)
    return manifest


def _sqlite_file(database: str | None) -> str:
    if not database:
        raise BackupError("A SQLite database in memory has no file to back up or restore.")
    return database


def _sqlite_copy(engine: Engine, destination: Path) -> None:
    source = sqlite3.connect(_sqlite_file(engine.url.database))
    try:
        copy = sqlite3.connect(destination)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()


def _pg_run(command: list[str], engine: Engine) -> None:
    url = engine.url
    env = {**os.environ, "PGPASSWORD": url.password or ""}
    command += ["--host", url.host or "localhost", "--port", str(url.port or 5432),
                "--username", url.username or "postgres", "--dbname", url.database or ""]
    # A fixed argument list (pg_dump/pg_restore and the URL's parts), no shell.
    done = subprocess.run(  # noqa: S603  # nosec B603
        command, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-800:]}")


# --- restore ----------------------------------------------------------------------------------


def read_manifest(archive: zipfile.ZipFile) -> dict:
    """The archive's manifest, after every member's CRC has been checked."""
    if MANIFEST not in archive.namelist():
        raise BackupError("The backup has no manifest: it is incomplete or not a Shakirt backup.")
    broken = archive.testzip()
    if broken is not None:
        raise BackupError(f"The backup is damaged: {broken} does not match its checksum.")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except ValueError as error:
        raise BackupError("The backup's manifest is not readable.") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    return manifest


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not name.startswith(FILES_PREFIX):
        raise BackupError(f"The backup holds a file outside its folders: {name}.")
    return path


def restore_backup(engine: Engine, source: Path, folders: dict[str, Path],
                   replace: bool = False) -> dict:
    """Restore a ZIP made by make_backup into the database and folders; returns the manifest."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{source} is not a readable backup: {error}.") from error
    with archive, tempfile.TemporaryDirectory() as scratch:
        manifest = read_manifest(archive)
        dialect = engine.dialect.name
        if manifest["dialect"] != dialect:
            raise BackupError(f"This backup is of a {manifest['dialect']} database; the target "
                              f"is {dialect}.")
        payload = Path(archive.extract(manifest["payload"]["name"], scratch))
        if _sha256(payload) != manifest["payload"]["sha256"]:
            raise BackupError("The backup's database does not match its manifest.")
        files = {}
        for name, expected in manifest["files"].items():
            member = _safe_member(name)
            extracted = Path(archive.extract(name, scratch))
            if _sha256(extracted) != expected:
                raise BackupError(f"The backup's file {name} does not match its manifest.")
            folder_name, *rest = member.parts[1:]
            if folder_name not in folders:
                raise BackupError(f"The backup holds files of an unknown folder {folder_name}.")
            files[extracted] = folders[folder_name].joinpath(*rest)
        with engine.connect() as connection:
            if holds_data(connection) and not replace:
                raise BackupError("The database already holds data. Restore with --replace "
                                  "to overwrite it.")
        expected_sums = {name: TableSum(v["rows"], v["checksum"])
                         for name, v in manifest["tables"].items()}
        if dialect == "sqlite":
            _restore_sqlite(engine, payload, expected_sums)
        else:
            _restore_postgres(engine, payload, expected_sums)
        with engine.connect() as connection:
            if table_sums(connection) != expected_sums:
                raise BackupError("The restored database differs from the backup's manifest.")
        for extracted, destination in files.items():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(extracted, destination)
    return manifest


def _restore_postgres(engine: Engine, payload: Path, expected: dict[str, TableSum]) -> None:
    # The dump is proven in a scratch database first, so a backup that doesn't hold what its
    # manifest says never reaches the live one; then one transaction replaces the live data.
    scratch_name = f"{engine.url.database}_restore_check"[:63]
    admin = create_engine(engine.url, isolation_level="AUTOCOMMIT")
    scratch_url = engine.url.set(database=scratch_name)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}"'))
            connection.execute(text(f'CREATE DATABASE "{scratch_name}"'))
        scratch = create_engine(scratch_url)
        try:
            _pg_run(["pg_restore", "--no-owner", "--single-transaction", str(payload)], scratch)
            with scratch.connect() as connection:
                if table_sums(connection) != expected:
                    raise BackupError("The backup's database differs from its manifest.")
        finally:
            scratch.dispose()
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}" WITH (FORCE)'))
        admin.dispose()
    engine.dispose()
    _pg_run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
             str(payload)], engine)


def _restore_sqlite(engine: Engine, payload: Path, expected: dict[str, TableSum]) -> None:
    copy = create_engine(f"sqlite:///{payload}")
    try:
        with copy.connect() as connection:
            if table_sums(connection) != expected:
                raise BackupError("The backup's database differs from its manifest.")
    finally:
        copy.dispose()
    engine.dispose()  # no pooled connection holds a read lock while the pages are written
    target = _sqlite_file(make_url(str(engine.url)).database)
    source, live = sqlite3.connect(payload), sqlite3.connect(target)
    try:
        source.backup(live)
    finally:
        source.close()
        live.close()
