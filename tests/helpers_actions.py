"""Helpers for the corrective action tests: a small world, photo bytes, database peeks, an SMTP sink."""
from __future__ import annotations

import datetime as dt
import io
import socketserver
import threading

import sqlalchemy as sa
from PIL import Image

from factorysafe.db import db


def jpeg_bytes(color=(200, 40, 40), size=(64, 48)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


class World:
    """One factory with an owner, a second factory with its own owner, an engineer, an admin,
    a published initial inspection and one High finding whose action is In progress."""

    def __init__(self, build, published=True, deadline=dt.date(2025, 2, 12)):
        self.app = build.app
        self.factory = build.factory(name="Rahman Knitwear Ltd")
        self.other_factory = build.factory(name="Other Garments Ltd")
        self.owner = build.user("owner", "owner@example.test", factories=[self.factory])
        self.other_owner = build.user("owner", "other@example.test", factories=[self.other_factory])
        self.engineer = build.user("engineer", "engineer@example.test")
        self.admin = build.user("admin", "admin@example.test")
        self.inspection = build.inspection(self.factory, state="published" if published else "submitted",
                                           engineer=self.engineer)
        self.finding = build.finding(self.inspection, severity="high", deadline=deadline)
        self.action_id = self.finding.action_id


def action_row(app, action_id):
    from factorysafe.actions.models import CorrectiveAction

    with app.app_context():
        a = db.session.get(CorrectiveAction, action_id)
        return {c: getattr(a, c) for c in ("status", "planned_action", "responsible_person", "target_date",
                                          "deadline", "verified_on", "verified_by_id", "rejection_reason",
                                          "fix_note", "reported_fixed_on", "version")}


def audit_verbs(app, action_id=None):
    from factorysafe.audit import AuditEvent

    with app.app_context():
        stmt = sa.select(AuditEvent.verb).order_by(AuditEvent.id)
        if action_id is not None:
            stmt = stmt.where(AuditEvent.subject_type == "corrective_actions", AuditEvent.subject_id == action_id)
        return list(db.session.scalars(stmt))


def version_of(app, action_id) -> int:
    return action_row(app, action_id)["version"]


def version_of_world(world) -> str:
    """The world's action's current version, as a form carries it."""
    return str(version_of(world.app, world.action_id))


# --- a minimal SMTP sink (enough of RFC 5321 for smtplib.send_message) --------------------------------
class _SMTPHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink ready\r\n")
        rcpts, in_data, data = [], False, []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    self.server.messages.append({"to": rcpts, "data": b"".join(data).decode("utf-8", "replace")})
                    rcpts, data = [], []
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            cmd = line.strip().upper()
            if cmd.startswith((b"EHLO", b"HELO")):
                self.wfile.write(b"250 sink\r\n")
            elif cmd.startswith(b"MAIL FROM"):
                self.wfile.write(b"250 ok\r\n")
            elif cmd.startswith(b"RCPT TO"):
                rcpts.append(line.strip()[8:].decode().strip("<> "))
                self.wfile.write(b"250 ok\r\n")
            elif cmd == b"DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif cmd == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


class SMTPSink(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.messages: list[dict] = []
        self.connections = 0
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def process_request(self, request, client_address):
        self.connections += 1
        super().process_request(request, client_address)

    @property
    def port(self) -> int:
        return self.server_address[1]

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()


def report_fix_via_service(app, world, note="Fixed."):
    from factorysafe.actions import services
    from factorysafe.actions.models import CorrectiveAction
    from factorysafe.auth.models import User

    with app.app_context():
        a = db.session.get(CorrectiveAction, world.action_id)
        services.report_fix(a, note, [], by=db.session.get(User, world.owner.id), today=dt.date(2025, 2, 1),
                            version=a.version)
        db.session.commit()
