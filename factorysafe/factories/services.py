"""Factory operations: the only place that creates or changes factories (each writes an audit event)."""
from __future__ import annotations

from factorysafe import audit
from factorysafe.db import db
from factorysafe.factories.models import Factory

PROFILE_FIELDS = ("name", "name_bn", "registration_no", "address", "division", "district", "upazila", "latitude", "longitude", "storeys",
                  "shared_building", "workers", "brands_count", "safety_committee_trained",
                  "safety_committee_trained_on", "cap_agreed_on")


def create_factory(values: dict, *, actor=None) -> Factory:
    factory = Factory(**{k: v for k, v in values.items() if k in PROFILE_FIELDS})
    db.session.add(factory)
    db.session.flush()
    audit.record("create_factory", factory, actor=actor, factory_id=factory.id,
                 after={k: getattr(factory, k) for k in PROFILE_FIELDS})
    return factory


def update_factory(factory: Factory, values: dict, *, actor=None) -> Factory:
    before, after = audit.diff(factory, list(PROFILE_FIELDS), values)
    for k, v in after.items():
        setattr(factory, k, v)
    if after:
        audit.record("update_factory", factory, actor=actor, factory_id=factory.id, before=before, after=after)
    return factory


def link_owner(factory: Factory, user, *, actor=None) -> None:
    if user not in factory.owners:
        factory.owners.append(user)
        audit.record("link_owner", factory, actor=actor, factory_id=factory.id, after={"owner": user.email})
