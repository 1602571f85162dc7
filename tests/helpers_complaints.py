"""Test data for the public side of complaints: a register with named, withheld and factory-less complaints."""
from __future__ import annotations

import datetime as dt

from factorysafe.db import db

NAMED = "Named Complaint Garments Ltd"
WITHHELD = "Withheld Secret Knitwear Ltd"
SECRET_TEXTS = ("DESCRIPTION-SECRET-TEXT", "CONTACT-SECRET-01711", "WORKER-MESSAGE-SECRET")


def complaint_world(app, build, today: dt.date = dt.date(2026, 11, 20)) -> dict:
    """Two public factories: ``NAMED`` (complaints that name it: one resolved then disputed, so reopened; one
    received) and ``WITHHELD`` (complaints whose workers withheld its name, one resolved); and one complaint
    with no factory. Made through ``complaints.services``."""
    from factorysafe.auth.models import User
    from factorysafe.complaints import services
    from factorysafe.factories.models import Factory

    named, withheld = build.factory(name=NAMED), build.factory(name=WITHHELD)
    build.inspection(named)
    build.inspection(withheld)
    engineer = build.user("engineer")
    ids = {"named": named.id, "withheld": withheld.id}
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=5)
    with app.test_request_context():
        by = db.session.get(User, engineer.id)
        fa, fw = db.session.get(Factory, named.id), db.session.get(Factory, withheld.id)
        c1, _ = services.submit(category="locked_gate", description=SECRET_TEXTS[0], factory=fa, show_factory=True,
                                contact=SECRET_TEXTS[1], today=last_month)
        services.worker_reply(c1, SECRET_TEXTS[2])
        services.set_status(c1, "resolved", outcome="=HYPERLINK(\"http://x\") gate kept open", by=by,
                            version=c1.version, today=last_month)
        services.worker_verdict(c1, "disputed", today=today)
        c2, _ = services.submit(category="cracks", description="crack in column", factory=fa, show_factory=True,
                                today=today)
        c3, _ = services.submit(category="wiring", description="sparks", factory=fw, show_factory=False, today=today)
        services.set_status(c3, "resolved", outcome="Wiring replaced", by=by, version=c3.version, today=today)
        c4, _ = services.submit(category="wages", description="wages late", factory=fw, today=today)
        services.set_status(c4, "non_safety", outcome="Referred", referred_to="Labour court", by=by,
                            version=c4.version, today=today)
        c5, _ = services.submit(category="fire_smoke", description="smoke", factory_text="Some unit in Savar",
                                today=today)
        db.session.commit()
        ids.update(reopened=c1.id, received=c2.id, withheld_ids=[c3.id, c4.id], nofactory=c5.id,
                   months=(last_month.strftime("%Y-%m"), today.strftime("%Y-%m")))
    return ids
