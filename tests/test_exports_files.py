"""The site-wide exports are files built by a job (inline without Redis, RQ with it) and served whole, with
ETag and Last-Modified, gzip-encoded on request; a change makes the next request rebuild; a failed build
never replaces a complete file; a per-factory CSV is written per request."""
import csv
import datetime as dt
import gzip
import hashlib
import io
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from factorysafe.db import db
from helpers_maps import public_world

TODAY = dt.date.today()
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def world(app, build):
    return public_world(app, build)


def published_rows(app, factory_id=None) -> tuple[int, str, set[int]]:
    """From scratch: the CSV rows of the published findings written again, their count, a checksum of the rows
    (order-free) and the published finding ids read from the models."""
    from factorysafe.inspections.models import Finding, Inspection, InspectionState
    from factorysafe.maps import exports

    with app.app_context():
        stmt = exports.public_findings_stmt(TODAY)
        ids = sa.select(Finding.id).join(Inspection, Inspection.id == Finding.inspection_id).where(
            Inspection.state == InspectionState.PUBLISHED)
        if factory_id is not None:
            stmt, ids = stmt.where(Finding.factory_id == factory_id), ids.where(Finding.factory_id == factory_id)
        buf = io.StringIO()
        n = exports.write_findings_csv(buf, stmt)
        published = set(db.session.scalars(ids))
    return n, checksum(buf.getvalue()), published


def checksum(text: str) -> str:
    header, *rows = text.splitlines()
    return hashlib.sha256("\n".join([header, *sorted(rows)]).encode()).hexdigest()


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_findings_file_equals_a_csv_written_from_scratch(app, client, world):
    r = client.get("/exports/findings.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    text = r.get_data(as_text=True)
    n, digest, ids = published_rows(app)
    rows = read_csv(text)
    assert len(rows) == n == len(ids) == 6 and {int(row["finding_id"]) for row in rows} == ids
    assert checksum(text) == digest
    assert r.headers["ETag"] and r.headers["Last-Modified"] and r.headers["X-Export-Rows"] == "6"
    assert "attachment" in r.headers["Content-Disposition"] and "Accept-Encoding" in r.headers["Vary"]
    files = sorted(p.name for p in (Path(app.instance_path) / "exports").iterdir())
    assert files == ["findings.csv", "findings.csv.gz", "findings.csv.json"]  # no temporary file left


def test_conditional_requests_and_gzip(app, client, world):
    plain = client.get("/exports/findings.csv")
    etag, modified = plain.headers["ETag"], plain.headers["Last-Modified"]
    assert client.get("/exports/findings.csv", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/exports/findings.csv", headers={"If-Modified-Since": modified}).status_code == 304
    zipped = client.get("/exports/findings.csv", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert zipped.status_code == 200 and zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.mimetype == "text/csv" and zipped.headers["ETag"] != etag  # another representation
    assert gzip.decompress(zipped.data) == plain.data
    assert client.get("/exports/findings.csv", headers={"Accept-Encoding": "gzip",
                                                        "If-None-Match": zipped.headers["ETag"]}).status_code == 304
    download = client.get("/exports/findings.csv.gz")
    assert download.mimetype == "application/gzip" and "Content-Encoding" not in download.headers
    assert gzip.decompress(download.data) == plain.data and 'findings.csv.gz' in download.headers["Content-Disposition"]
    for name in ("factories.csv", "factories.geojson"):
        r = client.get(f"/exports/{name}")
        assert r.status_code == 200 and r.headers["ETag"] and r.headers["Last-Modified"]
        assert gzip.decompress(client.get(f"/exports/{name}.gz").data) == r.data
    assert len(read_csv(client.get("/exports/factories.csv").get_data(as_text=True))) == 4


def test_a_change_makes_the_next_request_rebuild(app, client, build, world):
    from factorysafe.actions import services as actions
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User

    first = client.get("/exports/findings.csv")
    insp = build.inspection(world["behind"], type="follow_up", inspected_on=TODAY - dt.timedelta(days=3))
    added = build.finding(insp, "boiler", "low", observation="Safety valve not tested.")
    second = client.get("/exports/findings.csv", headers={"If-None-Match": first.headers["ETag"]})
    assert second.status_code == 200 and second.headers["ETag"] != first.headers["ETag"]
    rows = read_csv(second.get_data(as_text=True))
    assert len(rows) == 7 and added.id in {int(r["finding_id"]) for r in rows}
    n, digest, _ = published_rows(app)
    assert checksum(second.get_data(as_text=True)) == digest and n == 7
    # a state change of an existing action (an audited service call) rebuilds as well
    factories_before = read_csv(client.get("/exports/factories.csv").get_data(as_text=True))
    engineer = build.user("engineer")
    with app.app_context():
        action = db.session.scalar(
            sa.select(CorrectiveAction).where(CorrectiveAction.finding_id == world["reported_finding"]))
        actions.verify_fix(action, by=db.session.get(User, engineer.id), verified_on=TODAY, note="Checked on site.",
                           version=action.version)
        db.session.commit()
    third = read_csv(client.get("/exports/findings.csv").get_data(as_text=True))
    assert next(r for r in third if int(r["finding_id"]) == world["reported_finding"])["status"] == "corrected"
    factories_after = read_csv(client.get("/exports/factories.csv").get_data(as_text=True))
    behind = str(world["behind"])
    assert (next(r for r in factories_before if r["id"] == behind)["progress_electrical"]
            != next(r for r in factories_after if r["id"] == behind)["progress_electrical"])


def test_a_failed_build_keeps_the_previous_complete_file(app, client, build, world, monkeypatch):
    from factorysafe.maps import exports

    good = client.get("/exports/findings.csv")
    insp = build.inspection(world["behind"], type="follow_up", inspected_on=TODAY - dt.timedelta(days=3))
    build.finding(insp, "boiler", "low")
    calls = []

    def broken(m, columns):
        calls.append(1)
        if len(calls) > 2:
            raise RuntimeError("database went away mid-file")
        return original(m, columns)

    original = exports._finding_cells
    monkeypatch.setattr(exports, "_finding_cells", broken)
    r = client.get("/exports/findings.csv")
    assert r.status_code == 200 and r.data == good.data and r.headers["ETag"] == good.headers["ETag"]
    assert len(calls) == 3
    folder = Path(app.instance_path) / "exports"
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
    monkeypatch.setattr(exports, "_finding_cells", original)
    assert len(read_csv(client.get("/exports/findings.csv").get_data(as_text=True))) == 7


def test_per_factory_findings_csv(app, client, world):
    r = client.get(f"/factories/{world['behind']}/findings.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and r.headers["ETag"]
    n, digest, ids = published_rows(app, world["behind"])
    text = r.get_data(as_text=True)
    assert len(read_csv(text)) == n == 3 and {int(x["finding_id"]) for x in read_csv(text)} == ids
    assert checksum(text) == digest
    assert client.get(f"/factories/{world['behind']}/findings.csv",
                      headers={"If-None-Match": r.headers["ETag"]}).status_code == 304
    assert client.get(f"/factories/{world['hidden']}/findings.csv").status_code == 404
    page = client.get(f"/factories/{world['behind']}").get_data(as_text=True)
    assert f'/factories/{world["behind"]}/findings.csv' in page
    open_data = client.get("/open-data").get_data(as_text=True)
    assert "/exports/findings.csv.gz" in open_data and "/exports/factories.csv.gz" in open_data


# --- the queued path: RQ on Redis, a worker in this process ---------------------------------------------------
@pytest.fixture
def queued(app, monkeypatch):
    """Jobs go to a Redis queue of this test's own; ``work()`` runs them with an RQ SimpleWorker (burst)."""
    from redis import Redis
    from rq import Queue, SimpleWorker

    from factorysafe import jobs

    name = f"factorysafe-test-{uuid.uuid4().hex}"
    monkeypatch.setattr(jobs, "QUEUE", name)
    monkeypatch.setattr(jobs, "_worker_app", app)  # the worker runs jobs in this test's app (its database)
    app.config.update(REDIS_URL=REDIS_URL, JOBS_INLINE=False)
    connection = Redis.from_url(REDIS_URL)
    queue = Queue(name, connection=connection)

    def work() -> int:
        done = len(queue)
        SimpleWorker([queue], connection=connection).work(burst=True)
        return done

    yield work
    queue.delete(delete_jobs=True)


def test_queued_build_answers_503_first_then_serves_the_file(app, client, world, queued):
    r = client.get("/exports/findings.csv")
    assert r.status_code == 503 and r.headers["Retry-After"] == "30"
    assert "being prepared" in r.get_data(as_text=True)
    again = client.get("/exports/findings.csv", headers={"Accept": "application/json"})
    assert again.status_code == 503 and again.get_json()["error"]["message"].startswith("This file is being prepared")
    assert queued() == 1  # asked twice, queued once
    r = client.get("/exports/findings.csv")
    assert r.status_code == 200 and len(read_csv(r.get_data(as_text=True))) == 6
    assert checksum(r.get_data(as_text=True)) == published_rows(app)[1]
    assert queued() == 0


def test_queued_rebuild_serves_the_previous_file_meanwhile(app, client, build, world, queued):
    client.get("/exports/findings.csv")
    queued()
    old = client.get("/exports/findings.csv")
    assert old.status_code == 200
    insp = build.inspection(world["behind"], type="follow_up", inspected_on=TODAY - dt.timedelta(days=3))
    build.finding(insp, "boiler", "low")
    stale = client.get("/exports/findings.csv")
    assert stale.status_code == 200 and stale.data == old.data
    assert stale.headers["Last-Modified"] == old.headers["Last-Modified"] and stale.headers["ETag"] == old.headers["ETag"]
    assert queued() == 1
    fresh = client.get("/exports/findings.csv")
    assert fresh.headers["ETag"] != old.headers["ETag"] and len(read_csv(fresh.get_data(as_text=True))) == 7
