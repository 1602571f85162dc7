"""``flask seed-demo`` seeds workers' complaints through the services: every status, named and withheld
factories, one reopened; the summary counts them and gives a receipt code that finds an open complaint."""
from __future__ import annotations

import re

import sqlalchemy as sa

from factorysafe.complaints import queries, services
from factorysafe.complaints.models import Complaint
from factorysafe.complaints.rules import ComplaintStatus
from factorysafe.db import db


def test_seed_demo_seeds_complaints_the_register_shows(app, runner, client):
    result = runner.invoke(args=["seed-demo", "--factories", "12", "--findings-per-factory", "6", "--no-photos"])
    assert result.exit_code == 0, result.output
    said = re.search(r"(\d+) workers' complaints", result.output)
    receipt = re.search(r"try it on /report/status\): ([0-9 ]+)", result.output)
    assert said and receipt, result.output
    with app.test_request_context():
        counts = queries.counts()
        assert counts["total"] == int(said.group(1)) >= 8
        assert {s for s, n in counts["by_status"].items() if n} >= {
            ComplaintStatus.RECEIVED, ComplaintStatus.RESOLVED, ComplaintStatus.NON_SAFETY}
        assert counts["reopened"] >= 1
        complaints = db.session.scalars(sa.select(Complaint)).all()
        assert any(c.withhold_factory and c.factory_id for c in complaints)
        assert any(not c.withhold_factory and c.factory_id for c in complaints)
        assert all(c.receipt_hash and len(c.receipt_hash) == 64 for c in complaints)
        found = services.find_by_receipt(receipt.group(1).strip())
        assert found is not None and found.status in (ComplaintStatus.RECEIVED, ComplaintStatus.UNDER_REVIEW)
    page = client.get("/complaints?lang=en").get_data(as_text=True)
    assert f"Complaints in all: {said.group(1)}" in page and "name withheld" in page
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "intact" in verified.output, verified.output
