"""backup and restore (flask --app factorysafe backup PATH / restore PATH), on SQLite and PostgreSQL.

A seeded world (demo data with photos, plus a cached PDF report) is backed up, restored into a fresh
empty database and instance folder, and found equal: every row of every table, every file byte for
byte, the audit chain intact with the same head.
"""
from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from factorysafe import create_app
from factorysafe.db import db, init_db, scratch_database


@pytest.fixture
def seeded(app, runner):
    result = runner.invoke(args=["seed-demo", "--factories", "3", "--findings-per-factory", "5"])
    assert result.exit_code == 0, result.output
    reports = Path(app.instance_path) / "reports"  # a cached PDF report travels too
    (reports / "ab").mkdir(parents=True)
    (reports / "ab" / "inspection-1-en.pdf").write_bytes(b"%PDF-1.7 cached report\n" + bytes(range(256)))
    photos = [p for p in (Path(app.instance_path) / "photos").rglob("*") if p.is_file()]
    assert len(photos) >= 5, "seed-demo writes photos"
    return app


@pytest.fixture
def target(app_config, tmp_path):
    """A second installation: a fresh empty database of its own and an empty instance folder."""
    with scratch_database(tmp_path / "restored.sqlite", prefix="fs_restore") as url:
        app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path / "restored")})
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def all_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    with app.app_context(), db.engine.connect() as conn:
        out = {}
        for name in sorted(sa.inspect(conn).get_table_names()):
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            out[name] = [tuple(r) for r in conn.execute(sa.select(table).order_by(*table.columns))]
        return out


def all_files(app) -> dict[str, bytes]:
    instance = Path(app.instance_path)
    return {p.relative_to(instance).as_posix(): p.read_bytes()
            for folder in ("photos", "reports") for p in sorted((instance / folder).rglob("*")) if p.is_file()}


def audit_verify(app) -> str:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "Audit chain intact" in result.output
    return result.output.strip().rsplit("Head: ", 1)[1].rsplit(":", 1)[-1]  # printed as COUNT:HASH


@pytest.mark.parametrize("prepared", ["blank", "after-init-db"])
def test_backup_then_restore_into_an_empty_installation_is_identical(seeded, runner, target, tmp_path, prepared):
    archive = tmp_path / "factorysafe-backup.tar.gz"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    source_rows = all_rows(seeded)
    source_files = all_files(seeded)
    source_head = audit_verify(seeded)
    with seeded.app_context():
        dialect = db.engine.dialect.name
    assert manifest["database"]["dialect"] == dialect
    assert manifest["database"]["file"] in names
    assert manifest["tables"] == {name: len(rows) for name, rows in source_rows.items()}
    assert manifest["tables"]["findings"] >= 15 and manifest["tables"]["photos"] > 0
    assert manifest["audit"]["head"] == source_head and manifest["audit"]["events"] > 0
    assert manifest["version"] and manifest["created_at"]
    assert set(manifest["files"]) == set(source_files) and set(source_files) <= set(names)

    if prepared == "after-init-db":
        with target.app_context():
            init_db()
            db.session.remove()
            db.engine.dispose()
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    assert "match the manifest" in result.output and "Audit chain intact" in result.output

    assert all_rows(target) == source_rows
    assert all_files(target) == source_files
    assert audit_verify(target) == source_head


def test_restore_refuses_a_database_that_is_not_empty(seeded, runner, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    before = all_rows(seeded)
    result = runner.invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output and "--force" in result.output
    assert all_rows(seeded) == before


def test_restore_refuses_an_instance_folder_with_photos(runner, target, seeded, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    stray = Path(target.instance_path) / "photos" / "zz" / "stray.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"not from the backup")
    result = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "photos/ has files" in result.output
    assert stray.exists()


def test_restore_force_replaces_other_data(seeded, runner, target, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    target_runner = target.test_cli_runner()
    assert target_runner.invoke(args=["init-db"]).exit_code == 0
    result = target_runner.invoke(args=["seed-demo", "--factories", "1", "--findings-per-factory", "2", "--seed", "9"])
    assert result.exit_code == 0, result.output
    assert target_runner.invoke(args=["restore", str(archive)]).exit_code != 0
    result = target_runner.invoke(args=["restore", "--force", str(archive)])
    assert result.exit_code == 0, result.output
    assert all_rows(target) == all_rows(seeded)
    assert all_files(target) == all_files(seeded)
    assert audit_verify(target) == audit_verify(seeded)


def test_restore_reports_an_archive_that_does_not_match_its_manifest(seeded, runner, target, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["tables"]["findings"] += 1
                data = json.dumps(manifest).encode()
                member.size = len(data)
            import io

            dst.addfile(member, io.BytesIO(data))
    result = target.test_cli_runner().invoke(args=["restore", str(tampered)])
    assert result.exit_code != 0
    assert "does not match" in result.output and "findings" in result.output


def test_backup_refuses_to_overwrite_an_archive(seeded, runner, tmp_path):
    archive = tmp_path / "b.tar.gz"
    archive.write_bytes(b"an earlier backup")
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert archive.read_bytes() == b"an earlier backup"
    assert runner.invoke(args=["backup", "--force", str(archive)]).exit_code == 0
    assert tarfile.is_tarfile(archive)


def test_restore_refuses_what_is_not_a_backup(runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        tar.add(__file__, arcname="something.py")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code != 0 and "not a factorysafe backup" in result.output
