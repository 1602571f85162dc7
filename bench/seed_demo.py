"""Benchmark: ``flask seed-demo --factories N --no-photos`` wall time and peak memory, SQLite and PostgreSQL.

    .venv/bin/python bench/seed_demo.py                      # 2,000 and 20,000 factories on SQLite
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test .venv/bin/python bench/seed_demo.py
                                                             # also PostgreSQL (a fresh database, dropped after)
    .venv/bin/python bench/seed_demo.py 2000                 # only these sizes

Each run is the real command in a fresh process under ``/usr/bin/time -v`` (wall clock and maximum resident
set size), in a fresh instance directory (SQLite) or a fresh PostgreSQL database, after ``init-db``; then
``audit verify``. Goal: 20,000 factories within 2 minutes and 1.5 GB. On a shared machine, compare CPU
seconds too (the wall clock includes waiting for the other processes).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factorysafe.db import scratch_database  # noqa: E402

FLASK = [sys.executable, "-m", "flask", "--app", "factorysafe"]


def _time_v(cmd: list[str], env: dict) -> tuple[float, float, float, str]:
    """(wall seconds, CPU seconds (user + system), max RSS in MB, stdout) of ``cmd`` under /usr/bin/time -v."""
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr).group(1)
    seconds = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): (\S+)", proc.stderr).group(1)) for kind in ("User", "System"))
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    return seconds, cpu, rss_kb / 1024, proc.stdout


def run(n: int, database_url: str | None) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as instance:
        env = {**os.environ, "FACTORYSAFE_INSTANCE_PATH": instance}
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        subprocess.run([*FLASK, "init-db"], env=env, check=True, capture_output=True)
        wall, cpu, rss, out = _time_v([*FLASK, "seed-demo", "--factories", str(n), "--no-photos"], env)
        verify = subprocess.run([*FLASK, "audit", "verify"], env=env, capture_output=True, text=True)
        if verify.returncode:
            raise SystemExit(f"audit verify failed: {verify.stdout}{verify.stderr}")
        print(f"    {out.splitlines()[0]}")
        return wall, cpu, rss


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [2000, 20000]
    databases = ["sqlite"]
    if os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql")):
        databases.append("postgresql")
    rows = []
    for name in databases:
        for n in sizes:
            if name == "sqlite":
                wall, cpu, rss = run(n, None)
            else:
                with scratch_database(None, prefix="fs_seed") as url:
                    wall, cpu, rss = run(n, url)
            rows.append((name, n, wall, cpu, rss))
            print(f"{name:10} {n:>6} factories: {wall:7.1f} s wall, {cpu:7.1f} s CPU, {rss:7.0f} MB max RSS", flush=True)
    print("\ndatabase   factories   wall s    CPU s   max RSS MB   (CPU = user + system of the seeding process)")
    for name, n, wall, cpu, rss in rows:
        print(f"{name:10} {n:>9} {wall:8.1f} {cpu:8.1f} {rss:12.0f}")


if __name__ == "__main__":
    main()
