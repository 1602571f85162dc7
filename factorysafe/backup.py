"""Backups and restores of a whole installation: the database, ``instance/photos`` and ``instance/reports``.

An archive (``.tar.gz``) holds:

- ``database.sqlite`` (SQLite: a consistent copy made with the online backup API, so the app may keep
  running) or ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``);
- ``photos/…`` and ``reports/…``, the instance folders, byte for byte;
- ``manifest.json``: rows per table, the audit chain's length and head hash, every file's SHA-256, the
  app version, the schema revision and the date.

The counts and the audit head describe exactly the data dumped: on SQLite they are read from the copy;
on PostgreSQL from the same snapshot ``pg_dump`` dumps (``pg_export_snapshot``).

``restore`` refuses a database or instance folder that is not empty unless forced, then checks the
restored database against the manifest and verifies the audit chain.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from factorysafe.db import analyze, db

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite"
PG_FILE = "database.pgdump"
FOLDERS = ("photos", "reports")


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason for the operator."""


@dataclass
class Summary:
    path: Path
    manifest: dict

    @property
    def rows(self) -> int:
        return sum(self.manifest["tables"].values())


# --- reading a database ---------------------------------------------------------------------------
def table_counts(conn) -> dict[str, int]:
    """Rows in every table of the database behind ``conn`` (the Alembic version table included)."""
    names = sorted(sa.inspect(conn).get_table_names())
    return {name: conn.execute(sa.text(f'SELECT COUNT(*) FROM "{name}"')).scalar_one() for name in names}


def audit_head(conn) -> dict:
    if "audit_events" not in sa.inspect(conn).get_table_names():
        return {"events": 0, "head": None}
    events = conn.execute(sa.text("SELECT COUNT(*) FROM audit_events")).scalar_one()
    head = conn.execute(sa.text("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")).scalar()
    return {"events": events, "head": head}


def schema_revision(conn) -> str | None:
    if "alembic_version" not in sa.inspect(conn).get_table_names():
        return None
    return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _describe(conn) -> dict:
    return {"tables": table_counts(conn), "audit": audit_head(conn), "schema_revision": schema_revision(conn)}


def _sqlite_path(url: sa.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _pg_env(url: sa.URL) -> dict[str, str]:
    """libpq's environment for ``pg_dump``/``pg_restore`` (the password never on a command line)."""
    env = dict(os.environ)
    for var, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[var] = str(value)
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or f"/usr/bin/{name}"
    if not Path(found).exists():
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return found


def _run(cmd: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip() or done.returncode}")


def _dump_sqlite(url: sa.URL, target: Path) -> dict:
    source = sqlite3.connect(str(_sqlite_path(url)))
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)  # online backup API: a consistent copy while the app keeps writing
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
    finally:
        copy.close()
        source.close()
    engine = sa.create_engine(f"sqlite:///{target}")
    try:
        with engine.connect() as conn:
            return _describe(conn)
    finally:
        engine.dispose()


def _dump_postgresql(target: Path) -> dict:
    engine = db.engine
    with engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--snapshot={snapshot}", f"--file={target}"], _pg_env(engine.url))
            return _describe(conn)  # the very snapshot pg_dump dumped


# --- backup ---------------------------------------------------------------------------------------
def _instance_files() -> list[tuple[str, Path]]:
    """(archive name, file) for every file under the instance's photos and reports folders."""
    instance = Path(current_app.instance_path)
    found = []
    for folder in FOLDERS:
        root = instance / folder
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    found.append((path.relative_to(instance).as_posix(), path))
    return found


def create_backup(path: Path, overwrite: bool = False) -> Summary:
    """Write one archive of the database, photos and reports to ``path``."""
    path = Path(path)
    if path.exists() and not overwrite:
        raise BackupError(f"{path} already exists (use --force to overwrite it)")
    db.session.remove()
    url = db.engine.url
    dialect = db.engine.dialect.name
    with tempfile.TemporaryDirectory(prefix="factorysafe-backup-") as tmp:
        if dialect == "sqlite":
            db_file = Path(tmp) / SQLITE_FILE
            described = _dump_sqlite(url, db_file)
        elif dialect == "postgresql":
            db_file = Path(tmp) / PG_FILE
            described = _dump_postgresql(db_file)
        else:
            raise BackupError(f"backups of {dialect} databases are not supported")
        manifest = {
            "format": FORMAT,
            "app": "factorysafe",
            "version": metadata.version("factorysafe"),
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"dialect": dialect, "file": db_file.name, "schema_revision": described["schema_revision"]},
            "tables": described["tables"],
            "audit": described["audit"],
            "files": {},
        }
        partial = path.with_name(path.name + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(db_file, arcname=db_file.name)
                for name, file in _instance_files():
                    try:
                        data = file.read_bytes()  # read once: the bytes archived are the bytes hashed
                    except FileNotFoundError:
                        continue  # removed meanwhile (photos-sweep, a report re-rendered)
                    manifest["files"][name] = hashlib.sha256(data).hexdigest()
                    _add_bytes(tar, name, data, file.stat().st_mtime)
                _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode(),
                           dt.datetime.now().timestamp())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return Summary(path, manifest)


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o640
    tar.addfile(info, io.BytesIO(data))


# --- restore --------------------------------------------------------------------------------------
def read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        manifest = json.load(tar.extractfile(MANIFEST))
    except (KeyError, TypeError, ValueError):
        raise BackupError("not a factorysafe backup: manifest.json is missing or unreadable") from None
    if manifest.get("app") != "factorysafe" or manifest.get("format") != FORMAT:
        raise BackupError(f"not a factorysafe backup of format {FORMAT}")
    return manifest


def what_is_not_empty() -> list[str]:
    """Why the current database and instance folder are not an empty target (nothing: they are)."""
    found = []
    with db.engine.connect() as conn:
        for name, rows in table_counts(conn).items():
            if rows and name != "alembic_version":
                found.append(f"table {name} has {rows} row(s)")
    found += [f"{folder}/ has files" for folder in FOLDERS
              if any(p.is_file() for p in (Path(current_app.instance_path) / folder).rglob("*"))]
    return found


def restore_backup(path: Path, force: bool = False) -> Summary:
    """Restore the archive at ``path`` into the configured database and instance folder, then check it."""
    with tarfile.open(path, "r:gz") as tar:
        manifest = read_manifest(tar)
        dialect = db.engine.dialect.name
        if manifest["database"]["dialect"] != dialect:
            raise BackupError(f"this backup is of a {manifest['database']['dialect']} database; "
                              f"the configured database is {dialect}")
        not_empty = what_is_not_empty()
        if not_empty and not force:
            raise BackupError("the database or instance folder is not empty (" + "; ".join(not_empty[:5])
                              + "); restore into an empty one, or use --force to replace its contents")
        db.session.remove()
        db.engine.dispose()  # no connection of ours may hold a lock on what is replaced
        with tempfile.TemporaryDirectory(prefix="factorysafe-restore-") as tmp:
            db_name = manifest["database"]["file"]
            tar.extract(db_name, tmp, filter="data")
            if dialect == "sqlite":
                _restore_sqlite(Path(tmp) / db_name, _sqlite_path(db.engine.url))
            else:
                _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--clean", "--if-exists",
                      "--single-transaction", "--exit-on-error", f"--dbname={db.engine.url.database}",
                      str(Path(tmp) / db_name)], _pg_env(db.engine.url))
        db.engine.dispose()
        _restore_files(tar, manifest)
    analyze()  # a dump carries no planner statistics
    check_restored(manifest)
    return Summary(Path(path), manifest)


def _restore_sqlite(copy: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(str(copy))
    dest = sqlite3.connect(str(target))
    try:
        source.backup(dest)  # replaces the whole database, through SQLite (WAL and locks respected)
    finally:
        dest.close()
        source.close()


def _restore_files(tar: tarfile.TarFile, manifest: dict) -> None:
    instance = Path(current_app.instance_path)
    for folder in FOLDERS:
        shutil.rmtree(instance / folder, ignore_errors=True)
    members = [m for m in tar.getmembers() if m.name in manifest["files"]]
    tar.extractall(instance, members=members, filter="data")


def check_restored(manifest: dict) -> None:
    """The restored database and files match the manifest, and the audit chain verifies."""
    from factorysafe.audit import verify_chain

    with db.engine.connect() as conn:
        described = _describe(conn)
    wrong = [f"{name}: {described['tables'].get(name)} row(s), the backup had {rows}"
             for name, rows in manifest["tables"].items() if described["tables"].get(name) != rows]
    wrong += [f"{name}: not in the backup" for name in described["tables"] if name not in manifest["tables"]]
    if wrong:
        raise BackupError("the restored database does not match the backup's manifest: " + "; ".join(wrong))
    problem = verify_chain()
    db.session.remove()
    if problem is not None:
        raise BackupError(f"audit chain BROKEN at event {problem.event_id}: {problem.reason}")
    if described["audit"] != manifest["audit"]:
        raise BackupError(f"audit chain differs from the backup's: {described['audit']} != {manifest['audit']}")
    instance = Path(current_app.instance_path)
    for name, digest in manifest["files"].items():
        file = instance / name
        if not file.is_file() or hashlib.sha256(file.read_bytes()).hexdigest() != digest:
            raise BackupError(f"restored file {name} is missing or differs from the backup")
