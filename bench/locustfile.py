"""Locust users for ``bench/load.py`` (run headless by it; see that file).

Environment (set by ``bench/load.py``):

- ``BENCH_PLAN``: JSON file with ``factories`` (ids), ``owners`` ([email, [action ids of a factory they own]]),
  ``engineers`` ([email, [ids of actions with a fix pending verification, one list per engineer, disjoint]]),
  ``password`` per role;
- ``BENCH_THINK``: ``1`` for 0.5–1.5 s think time between tasks, ``0`` for none;
- ``BENCH_READS_ONLY``: ``1`` for the public reads alone.

Mix: 90 % public reads (``/map`` with the ``/map/markers.json`` it fetches, ``/factories/<id>``, ``/api/v1/factories``, ``/api/v1/findings``, ``/hazards``,
``/open-data``); 10 % writes: owners comment on an action of their factory (``POST /actions/<id>/comments``),
engineers verify or reject a pending fix. A write counts as confirmed on a redirect (the app's answer to a
successful form) or a 2xx; its form is fetched first and the CSRF token and version parsed from it.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading

from locust import HttpUser, between, constant, task

PLAN = json.load(open(os.environ["BENCH_PLAN"])) if os.environ.get("BENCH_PLAN") else {}
THINK = os.environ.get("BENCH_THINK", "1") == "1"
READS_ONLY = os.environ.get("BENCH_READS_ONLY", "0") == "1"
READ_WEIGHT, WRITE_WEIGHT = (1, 0) if READS_ONLY else (9, 1)

_lock = threading.Lock()
_owners = itertools.cycle(PLAN.get("owners") or [["", []]])
_engineers = itertools.cycle(PLAN.get("engineers") or [["", []]])
API_DEPTH = 5  # readers page up to five pages deep, following ``next``
_pages: dict[str, list[tuple[str, int]]] = {}  # per list: page URLs seen so far, with their depth
CSRF = re.compile(r'name="([\w-]*csrf_token)"[^>]*value="([^"]+)"')


def _field(html: str, name: str) -> str | None:
    m = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html)
    return m.group(1) if m else None


def _csrf(html: str, prefix: str) -> str | None:
    for name, value in CSRF.findall(html):
        if name == f"{prefix}-csrf_token" or name == "csrf_token":
            return value
    return None


class Visitor(HttpUser):
    """One person: a member of the public reading, or (10 % of the tasks) an owner or an engineer writing."""

    wait_time = between(0.5, 1.5) if THINK else constant(0)

    def on_start(self) -> None:
        self.factories = PLAN.get("factories") or [1]
        self.role = None
        self.actions: list[int] = []
        self.signed_in = False

    # --- reads (the public) ---------------------------------------------------------------------
    @task(READ_WEIGHT * 10)
    def reads(self) -> None:
        kind = random.choices(["map", "factory", "api_factories", "api_findings", "hazards", "open_data"],
                              [2, 4, 1, 1, 1, 1])[0]
        if kind == "map":
            answer = self.client.get("/map", name="/map")
            if "markers.json" in answer.text:  # what the map page fetches (a baseline may inline its markers)
                self.client.get("/map/markers.json", name="/map/markers.json")
        elif kind == "factory":
            self.client.get(f"/factories/{random.choice(self.factories)}", name="/factories/[id]")
        elif kind == "api_factories":
            self._api_page("/api/v1/factories")
        elif kind == "api_findings":
            self._api_page("/api/v1/findings")
        elif kind == "hazards":
            self.client.get("/hazards", name="/hazards")
        else:
            self.client.get("/open-data", name="/open-data")

    def _api_page(self, first: str) -> None:
        """One of the first ``API_DEPTH`` pages of a list, reached by the cursors earlier answers gave."""
        with _lock:
            url, depth = random.choice(_pages.setdefault(first, [(first, 1)]))
        answer = self.client.get(url, name=first)
        try:
            body = answer.json() if answer.ok else {}
        except ValueError:
            body = {}
        following = body.get("next") if isinstance(body, dict) else None
        if not following and isinstance(body, dict) and isinstance(body.get("page"), int) and body.get("items"):
            following = f"{first}?page={body['page'] + 1}"  # a baseline (bench/load.py --baseline) that pages by number
        if following and depth < API_DEPTH:
            with _lock:
                known = _pages[first]
                if len(known) < 200 and all(u != following for u, _ in known):
                    known.append((following, depth + 1))

    # --- writes (owners and engineers) ------------------------------------------------------------
    @task(WRITE_WEIGHT * 10)
    def write(self) -> None:
        if not self.signed_in:
            self._sign_in()
        if self.role == "owner":
            self._comment()
        else:
            self._decide_fix()

    def _sign_in(self) -> None:
        with _lock:  # half the writers are owners, half engineers; each gets its own accounts and actions
            self.role = random.choice(["owner", "engineer"])
            email, actions = next(_owners) if self.role == "owner" else next(_engineers)
        self.actions = list(actions)
        page = self.client.get("/login", name="/login")
        data = {"email": email, "password": PLAN.get("password", {}).get(self.role, "")}
        token = _csrf(page.text, "")
        if token:
            data["csrf_token"] = token
        with self.client.post("/login", data=data, name="POST /login", allow_redirects=False,
                              catch_response=True) as r:
            if r.status_code >= 400:
                r.failure(f"sign-in refused: {r.status_code}")
        self.signed_in = True

    def _post_form(self, action_id: int, verb: str, prefix: str, fields: dict, name: str) -> None:
        page = self.client.get(f"/actions/{action_id}", name="/actions/[id] (form)")
        data = {f"{prefix}-{k}": v for k, v in fields.items()}
        token = _csrf(page.text, prefix)
        if token:
            data[f"{prefix}-csrf_token"] = token
        version = _field(page.text, f"{prefix}-version")
        if version is not None:
            data[f"{prefix}-version"] = version
        with self.client.post(f"/actions/{action_id}/{verb}", data=data, name=name, allow_redirects=False,
                              catch_response=True) as r:
            if r.status_code >= 400:
                r.failure(f"{r.status_code}")
            else:
                r.success()

    def _comment(self) -> None:
        if not self.actions:
            return
        self._post_form(random.choice(self.actions), "comments", "comment",
                        {"body": "Load test: the contractor starts on Monday."}, "POST /actions/[id]/comments")

    def _decide_fix(self) -> None:
        if not self.actions:  # every pending fix this engineer was given is decided
            return
        action_id = self.actions.pop()
        if random.random() < 0.8:
            self._post_form(action_id, "verify", "verify", {"verified_on": PLAN.get("today", ""), "note": ""},
                            "POST /actions/[id]/verify")
        else:
            self._post_form(action_id, "reject", "reject", {"reason": "Load test: the photos do not show the exit."},
                            "POST /actions/[id]/reject")
