"""`flask backup` / `flask restore`: a round trip keeps every table's rows and the uploaded files;
a damaged archive or a database that holds data is refused with nothing changed."""

import json
import zipfile

import pytest

from app.backup import BackupError, make_backup, restore_backup, table_sums
from app.demo import empty_database, load_world
from app.extensions import db


@pytest.fixture
def app_config(tmp_path):
    return {"FILES_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def world(app, tmp_path):
    load_world("small", 2025)
    db.session.commit()
    upload = tmp_path / "uploads" / "ab" / "abcdef.jpg"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\xff\xd8 a photo of the weld")
    return upload


def _sums():
    db.session.remove()
    with db.engine.connect() as connection:
        return table_sums(connection)


def _folders(app):
    from pathlib import Path

    return {"uploads": Path(app.config["FILES_DIR"])}


def test_round_trip_keeps_every_table_and_file(app, world, tmp_path):
    before = _sums()
    assert before["diary_entries"].rows > 0
    target = tmp_path / "backup.zip"
    manifest = make_backup(db.engine, target, _folders(app))
    assert manifest["files"] == {"files/uploads/ab/abcdef.jpg": manifest["files"][
        "files/uploads/ab/abcdef.jpg"]}

    empty_database()
    db.session.commit()
    world.unlink()
    assert _sums()["diary_entries"].rows == 0

    restore_backup(db.engine, target, _folders(app))
    assert _sums() == before
    assert world.read_bytes() == b"\xff\xd8 a photo of the weld"


def test_restore_into_a_database_with_data_is_refused_unless_told(app, world, tmp_path):
    target = tmp_path / "backup.zip"
    make_backup(db.engine, target, _folders(app))
    before = _sums()
    with pytest.raises(BackupError, match="already holds data"):
        restore_backup(db.engine, target, _folders(app))
    assert _sums() == before
    restore_backup(db.engine, target, _folders(app), replace=True)
    assert _sums() == before


def _emptied(app):
    empty_database()
    db.session.commit()
    return _sums()


def _forged(target, forged, edit_manifest, extra=None):
    """A copy of the backup whose manifest `edit_manifest` changed, with `extra` members."""
    with zipfile.ZipFile(target) as original, zipfile.ZipFile(forged, "w") as copy:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                edit_manifest(manifest)
                data = json.dumps(manifest).encode()
            copy.writestr(item, data)
        for name, data in (extra or {}).items():
            copy.writestr(name, data)
    return forged


def test_a_truncated_backup_is_refused_and_changes_nothing(app, world, tmp_path):
    target = tmp_path / "backup.zip"
    make_backup(db.engine, target, _folders(app))
    data = target.read_bytes()
    target.write_bytes(data[: len(data) // 2])
    before = _emptied(app)
    with pytest.raises(BackupError):
        restore_backup(db.engine, target, _folders(app))
    assert _sums() == before


def test_an_altered_backup_is_refused_and_changes_nothing(app, world, tmp_path):
    target = tmp_path / "backup.zip"
    make_backup(db.engine, target, _folders(app))
    def one_more_user(manifest):
        manifest["tables"]["users"]["rows"] += 1

    forged = _forged(target, tmp_path / "forged.zip", one_more_user)
    before = _emptied(app)
    with pytest.raises(BackupError, match="differs"):
        restore_backup(db.engine, forged, _folders(app))
    assert _sums() == before


def test_a_file_outside_the_folders_is_refused(app, world, tmp_path):
    target = tmp_path / "backup.zip"
    make_backup(db.engine, target, _folders(app))
    def escaping_file(manifest):
        manifest["files"]["files/uploads/../../escape.txt"] = "0" * 64

    forged = _forged(target, tmp_path / "forged.zip", escaping_file,
                     extra={"files/uploads/../../escape.txt": b"x"})
    _emptied(app)
    with pytest.raises(BackupError, match="outside"):
        restore_backup(db.engine, forged, _folders(app))
    assert not (tmp_path.parent / "escape.txt").exists()


def test_not_a_zip_is_refused(app, tmp_path):
    target = tmp_path / "backup.zip"
    target.write_text("hello")
    with pytest.raises(BackupError, match="not a readable backup"):
        restore_backup(db.engine, target, {})


def test_the_commands_round_trip(app, world, tmp_path):
    runner = app.test_cli_runner()
    target = tmp_path / "cli.zip"
    before = _sums()
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output
    refused = runner.invoke(args=["restore", str(target)])
    assert refused.exit_code != 0
    assert "Nothing restored: The database already holds data" in refused.output
    result = runner.invoke(args=["restore", "--replace", str(target)])
    assert result.exit_code == 0, result.output
    assert "every table matches its checksum" in result.output
    assert _sums() == before
