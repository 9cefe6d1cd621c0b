"""`flask backup` and `flask restore`: the database and the uploaded files in one archive."""

from pathlib import Path

import click
from flask import current_app

from app import clock
from app.backup import BackupError, make_backup, restore_backup
from app.extensions import db

# Folders whose files belong to the records (config key per folder name in the archive).
FILE_FOLDERS = {"uploads": "FILES_DIR"}


def file_folders() -> dict[str, Path]:
    """The local folders to back up; with FILES_BACKEND=s3 the bucket is backed up by its own
    means (versioning, replication), not copied through this machine."""
    if current_app.config.get("FILES_BACKEND", "local") != "local":
        return {}
    return {name: Path(current_app.config[key]) for name, key in FILE_FOLDERS.items()
            if current_app.config.get(key)}


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup(target: Path | None) -> None:
    """Write the database and the uploaded files to TARGET (a .zip; default instance/backups/)."""
    if target is None:
        target = (Path(current_app.instance_path) / "backups"
                  / f"shakirt-{clock.now():%Y%m%d-%H%M%S}.zip")
    db.session.remove()
    try:
        manifest = make_backup(db.engine, target, file_folders())
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Backup written to {target}: {len(manifest['tables'])} tables, {rows:,} rows, "
               f"{len(manifest['files'])} files.")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite a database that already holds data.")
def restore(source: Path, replace: bool) -> None:
    """Restore a backup made by `flask backup` (checked whole before anything is written)."""
    db.session.remove()
    try:
        manifest = restore_backup(db.engine, source, file_folders(), replace=replace)
    except BackupError as error:
        raise click.ClickException(f"Nothing restored: {error}") from error
    rows = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Restored the backup of {manifest['created_at']}: {rows:,} rows, "
               f"{len(manifest['files'])} files; every table matches its checksum.")
