"""Benchmark: factorysafe under load (gunicorn, 4 workers, PostgreSQL), beside a hello-world Flask app.

    .venv/bin/python bench/load.py                   # 2,000 factories, 50 users, 60 s per run
    .venv/bin/python bench/load.py --big             # 20,000 factories
    .venv/bin/python bench/load.py --quick           # 10 s per run (a smoke run)
    .venv/bin/python bench/load.py --users 20 --seconds 30
    .venv/bin/python bench/load.py --baseline dedb951   # also the app as it was at that commit, in the same go

Needs PostgreSQL: ``DATABASE_URL`` (default ``postgresql://postgres@127.0.0.1:5432/test``) names the server; a
scratch database is created there, seeded with ``seed-demo --no-photos`` and dropped at the end. Everything
listens on 127.0.0.1 only; every process started here is stopped, every run is bounded by ``--seconds``.

Four runs of locust headless (``bench/locustfile.py``), each against a fresh gunicorn
(``gunicorn -w 4 -b 127.0.0.1:<free port>``):

1. factorysafe, the mix: 0.5–1.5 s think time, 90 % public reads (map, factory pages, API, hazards, open
   data), 10 % writes (owners comment on an action of their factory; engineers verify or reject a pending fix);
2. the hello-world app (``bench/hello_app.py``), the same mix and settings;
3. and 4. both again, public reads only and no think time (the throughput ceiling).

Before each run every read page is fetched a few times (untimed), so workers have warmed their caches. A write
still in flight when a run stops can be found in the database without being counted as confirmed.

Prints requests/s, p50/p95/p99 (ms), errors, writes confirmed (2xx/3xx) against writes found in the database
afterwards (new comments, verified and rejected fixes), and the ratios factorysafe / hello-world.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factorysafe.db import scratch_database  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
WARM_UP = ["/map", "/factories/1", "/api/v1/factories", "/api/v1/findings", "/hazards", "/open-data", "/login"]
PRELOAD: list[str] = []  # ["--preload"] with --preload: the app is built before the workers fork
WRITE_NAMES = ("POST /actions/[id]/comments", "POST /actions/[id]/verify", "POST /actions/[id]/reject")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(env: dict, factories: int, app_dir: Path = ROOT) -> None:
    flask = [str(BIN / "flask"), "--app", "factorysafe"]
    subprocess.run([*flask, "init-db"], env=env, cwd=app_dir, check=True, capture_output=True, timeout=600)
    t = time.perf_counter()
    out = subprocess.run([*flask, "seed-demo", "--factories", str(factories), "--no-photos"], env=env, cwd=app_dir,
                         check=True, capture_output=True, text=True, timeout=3600).stdout
    print(f"  {out.splitlines()[0]} (wall {time.perf_counter() - t:.0f} s)", flush=True)


def plan(url: str, path: Path, users: int) -> None:
    """Who writes what: owners with actions of their factories, engineers with disjoint pending fixes."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        owners = c.execute(sa.text(
            "SELECT u.email, array_agg(a.id ORDER BY a.id) FROM users u "
            "JOIN factory_owners fo ON fo.user_id = u.id "
            "JOIN corrective_actions a ON a.factory_id = fo.factory_id "
            "JOIN findings f ON f.id = a.finding_id JOIN inspections i ON i.id = f.inspection_id "
            "WHERE u.role = 'owner' AND i.state = 'published' GROUP BY u.email ORDER BY min(u.id) LIMIT :n"),
            {"n": max(10, users)}).all()
        engineers = [e for (e,) in c.execute(sa.text(
            "SELECT email FROM users WHERE role = 'engineer' ORDER BY id"))]
        pending = [a for (a,) in c.execute(sa.text(
            "SELECT id FROM corrective_actions WHERE status = 'pending_verification' ORDER BY id"))]
        factories = [f for (f,) in c.execute(sa.text("SELECT id FROM factories ORDER BY id"))]
    engine.dispose()
    path.write_text(json.dumps({
        "factories": factories,
        "owners": [[email, ids[:50]] for email, ids in owners],
        "engineers": [[e, pending[i::len(engineers)]] for i, e in enumerate(engineers)],
        "password": {"owner": "demo-owner-pass", "engineer": "demo-engineer-pass"},
        "today": dt.date.today().isoformat(),
    }))


def writes_in_db(url: str) -> int:
    """Comments, verified and rejected fixes recorded so far (each write of the mix leaves one audit event)."""
    engine = sa.create_engine(url)
    with engine.connect() as c:
        comments = c.execute(sa.text("SELECT count(*) FROM action_comments")).scalar_one()
        decided = c.execute(sa.text(
            "SELECT count(*) FROM audit_events WHERE verb IN ('verify_fix', 'reject_fix')")).scalar_one()
    engine.dispose()
    return comments + decided


class Gunicorn:
    """``gunicorn -w 4`` on 127.0.0.1 in its own process group; stopped (group and all) on exit."""

    def __init__(self, app: str, env: dict, cwd: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{self.port}", "--timeout", "60", *PRELOAD, app],
            env=env, cwd=cwd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def __enter__(self) -> "Gunicorn":
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"gunicorn exited:\n{self.log.read().decode(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/hazards", timeout=10) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.5)
        raise SystemExit("gunicorn did not answer within 120 s")

    def warm_up(self, paths: list[str]) -> None:
        """Each read page a few times at once, so every worker has loaded its catalogue, polygons and caches."""
        from concurrent.futures import ThreadPoolExecutor

        def get(path: str) -> None:
            try:
                urllib.request.urlopen(self.url + path, timeout=120).read()
            except OSError:
                pass
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(get, [p for p in paths for _ in range(4)]))

    def __exit__(self, *exc) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def worker_rss_mb(self) -> list[tuple[float, float]]:
        """Resident and proportional memory (RSS, PSS: shared pages divided among the processes sharing them) of
        each worker process (MB), read from /proc."""
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        sizes = []
        for pid in children:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
            except OSError:
                continue
            kb = {line.split(":")[0]: int(line.split()[1]) for line in rollup if line.startswith(("Rss:", "Pss:"))}
            sizes.append((kb.get("Rss", 0) / 1024, kb.get("Pss", 0) / 1024))
        return sizes

    def errors(self) -> list[str]:
        """Tracebacks and worker failures gunicorn logged."""
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").splitlines()
        return [ln for ln in lines if "Traceback" in ln or "Error" in ln or "WORKER TIMEOUT" in ln][:10]


def locust(host: str, env: dict, users: int, seconds: int, csv_prefix: Path) -> dict:
    """One headless locust run; its aggregated figures and the writes it saw confirmed."""
    cmd = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
           "-r", str(min(users, 10)), "-t", f"{seconds}s", "--host", host, "--csv", str(csv_prefix),
           "--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True, timeout=seconds + 120)
    rows = list(csv.DictReader(open(f"{csv_prefix}_stats.csv")))
    agg = next(r for r in rows if r["Name"] == "Aggregated")
    writes = [r for r in rows if r["Name"] in WRITE_NAMES]
    return {
        "rps": float(agg["Requests/s"]), "requests": int(agg["Request Count"]), "errors": int(agg["Failure Count"]),
        "p50": float(agg["50%"]), "p95": float(agg["95%"]), "p99": float(agg["99%"]),
        "writes": sum(int(r["Request Count"]) - int(r["Failure Count"]) for r in writes),
        "per_name": {r["Name"]: (int(r["Request Count"]), int(r["Failure Count"]), float(r["50%"]), float(r["95%"]))
                     for r in rows if r["Name"] != "Aggregated"},
        "failures": list(csv.DictReader(open(f"{csv_prefix}_failures.csv")))[:5],
    }


def checkout(rev: str, into: Path) -> Path:
    """The tree of ``rev`` (a commit of this repository) in ``into``, with its translations compiled."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    subprocess.run([str(BIN / "pybabel"), "compile", "--use-fuzzy", "-d", str(into / "factorysafe" / "translations")],
                   check=True, capture_output=True)
    return into


def run_pair(label: str, app_dir: Path, env: dict, args, seconds: int, tmp: Path, results: dict, hello: bool) -> None:
    """Both modes against the app in ``app_dir`` (and hello-world beside it when ``hello``)."""
    for reads_only in (False, True):
        mode = "reads, no think time" if reads_only else "mix, think 0.5-1.5 s"
        run_env = {**env, "BENCH_THINK": "0" if reads_only else "1", "BENCH_READS_ONLY": "1" if reads_only else "0"}
        # with --preload, as make serve runs it: factorysafe.wsgi builds the app and warms its public pages in the
        # master (SERVE_WARM_UP); a baseline commit may have no such module
        entry = "factorysafe.wsgi:app" if PRELOAD and (app_dir / "factorysafe" / "wsgi.py").exists() else "factorysafe:create_app()"
        runs = [(label, entry, app_dir)]
        if hello:
            runs.append(("hello-world", "hello_app:app", ROOT / "bench"))
        for name, app, cwd in runs:
            before = writes_in_db(env["DATABASE_URL"])
            with Gunicorn(app, run_env, cwd) as server:
                server.warm_up(WARM_UP)
                print(f"{name:12} {mode}: {args.users} users, {seconds} s on {server.url} ...", flush=True)
                r = locust(server.url, run_env, args.users, seconds, tmp / f"{name}-{int(reads_only)}")
                logged = server.errors()
                r["rss"] = server.worker_rss_mb()
            r["found"] = writes_in_db(env["DATABASE_URL"]) - before if name != "hello-world" else None
            results[(name, reads_only)] = r
            for line in logged:
                print(f"    server log: {line}")
            for f in r["failures"]:
                print(f"    failure: {f['Method']} {f['Name']}: {f['Error']} x{f['Occurrences']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--big", action="store_true", help="seed 20,000 factories instead of 2,000")
    ap.add_argument("--factories", type=int, help="seed this many factories (overrides --big)")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--quick", action="store_true", help="10 s per run: a smoke run")
    ap.add_argument("--preload", action="store_true", help="gunicorn --preload (as make serve runs it)")
    ap.add_argument("--baseline", metavar="REV",
                    help="also run the app as it was at commit REV (its own checkout and database) in the same go")
    args = ap.parse_args()
    seconds = 10 if args.quick else args.seconds
    if args.preload:
        PRELOAD.append("--preload")
    factories = args.factories or (20_000 if args.big else 2_000)
    os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    if not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql")):
        raise SystemExit("bench/load.py needs DATABASE_URL to name a PostgreSQL server")

    results: dict = {}
    variants = [("factorysafe", ROOT)]
    with tempfile.TemporaryDirectory(prefix="fs_load_") as tmp:
        tmp = Path(tmp)
        if args.baseline:
            rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", args.baseline], check=True,
                                 capture_output=True, text=True).stdout.strip()
            variants.append((f"at {rev}", checkout(rev, tmp / "baseline")))
        for i, (label, app_dir) in enumerate(variants):
            with scratch_database(None, prefix="fs_load") as url:
                env = {**os.environ, "DATABASE_URL": url, "FACTORYSAFE_INSTANCE_PATH": str(tmp / f"instance-{i}"),
                       "FACTORYSAFE_SECRET_KEY": secrets.token_hex(32), "BENCH_PLAN": str(tmp / f"plan-{i}.json")}
                if app_dir != ROOT:
                    env["PYTHONPATH"] = str(app_dir)  # its package before the installed one
                print(f"{label}: seeding {factories:,} factories into a scratch PostgreSQL database ...", flush=True)
                seed(env, factories, app_dir)
                plan(url, tmp / f"plan-{i}.json", args.users)
                run_pair(label, app_dir, env, args, seconds, tmp, results, hello=(i == 0))
    report(results, factories, args.users, seconds, [label for label, _ in variants])


def report(results: dict, factories: int, users: int, seconds: int, labels: list[str]) -> None:
    print(f"\nfactorysafe at {factories:,} factories vs hello-world, gunicorn -w 4, {users} users, {seconds} s "
          f"per run (PostgreSQL; latencies in ms)")
    print(f"{'run':36} {'req/s':>8} {'p50':>6} {'p95':>6} {'p99':>6} {'requests':>9} {'errors':>7} "
          f"{'writes ok':>9} {'in db':>6}")
    for (name, reads_only), r in results.items():
        mode = "reads, no think" if reads_only else "mix, think time"
        found = "" if r["found"] is None else str(r["found"])
        writes = str(r["writes"]) if not reads_only else ""
        print(f"{name + ', ' + mode:36} {r['rps']:8.1f} {r['p50']:6.0f} {r['p95']:6.0f} {r['p99']:6.0f} "
              f"{r['requests']:9d} {r['errors']:7d} {writes:>9} {found:>6}")
    for label in labels:
        for reads_only in (False, True):
            fs, hw = results[(label, reads_only)], results[("hello-world", reads_only)]
            mode = "reads, no think" if reads_only else "mix, think time"
            print(f"ratio {label} / hello-world, {mode}: req/s {fs['rps'] / max(hw['rps'], 1e-9):.2f}, "
                  f"p50 {fs['p50'] / max(hw['p50'], 1):.1f}x, p95 {fs['p95'] / max(hw['p95'], 1):.1f}x, "
                  f"p99 {fs['p99'] / max(hw['p99'], 1):.1f}x")
    for (name, reads_only), r in results.items():
        if r.get("rss"):
            mode = "reads, no think" if reads_only else "mix, think time"
            print(f"memory per worker after {name}, {mode}: RSS "
                  + ", ".join(f"{rss:.0f}" for rss, _ in sorted(r["rss"])) + " MB; PSS "
                  + ", ".join(f"{pss:.0f}" for _, pss in sorted(r["rss"])) + " MB")
    for label in labels:
        print(f"\n{label} per page (requests, errors, p50, p95 ms):")
        for reads_only in (False, True):
            for page, (n, err, p50, p95) in sorted(results[(label, reads_only)]["per_name"].items()):
                print(f"  {'reads' if reads_only else 'mix':5} {page:32} {n:7d} {err:5d} {p50:7.0f} {p95:7.0f}")


if __name__ == "__main__":
    main()
