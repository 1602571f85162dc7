"""Place names from the boundary files: a factory's upazila (thana) from its coordinates."""
from __future__ import annotations

import sqlalchemy as sa

from factorysafe.db import db
from factorysafe.factories import services as factory_services
from factorysafe.factories.models import Factory
from factorysafe.maps import geo


def assign_upazilas(*, actor=None) -> dict[str, int]:
    """Fill ``Factory.upazila`` where it is empty, from the upazila polygon that holds the factory's point
    (``geo.join_upazilas``); an upazila someone typed is never overwritten. Each change is an ``update_factory``
    audit event; the caller commits. Returns {"filled": n, "outside": factories with coordinates in no polygon}."""
    rows = [{"id": f.id, "latitude": f.latitude, "longitude": f.longitude} for f in db.session.scalars(
        sa.select(Factory).where(sa.or_(Factory.upazila.is_(None), Factory.upazila == ""),
                                 Factory.latitude.is_not(None), Factory.longitude.is_not(None)).order_by(Factory.id))]
    found = geo.join_upazilas(rows)
    for factory_id, upazila in sorted(found.items()):
        factory_services.update_factory(db.session.get(Factory, factory_id), {"upazila": upazila}, actor=actor)
    return {"filled": len(found), "outside": len(rows) - len(found)}
