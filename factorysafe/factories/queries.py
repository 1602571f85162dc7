"""Reading factories: the forgiving search by name (Latin or Bangla), address, upazila, district or registration
number, for any page that lets a person pick a factory (the engineers' list, the workers' report form)."""
from __future__ import annotations

import sqlalchemy as sa

from factorysafe.db import db
from factorysafe.factories import rules
from factorysafe.factories.models import Factory, factory_status

#: How far below ``rules.WORD_SIMILARITY`` pg_trgm's threshold is set, so that its float4 arithmetic never
#: drops a candidate the rules would keep (the rules decide; pg_trgm only narrows).
_PG_MARGIN = 0.01


def search(q: str, *, limit: int = 20, public_only: bool = True, where=None) -> list[Factory]:
    """Factories found by the text ``q``, best first (then by name and id), at most ``limit``.

    ``q`` is matched as ``factories.rules`` defines (normalised; a part of the factory's search text, or every
    word close in spelling to one of its words): "Cristal" finds "Crystal Garments Ltd", "ক্রিস্টাল" the factory
    named "ক্রিস্টাল গার্মেন্টস" in Bangla, "DHA 10042" the factory with the registration number "DHA-10042", "Savar" the
    factories in that upazila. An empty ``q`` (after normalising) finds nothing.

    ``public_only`` (the default) keeps the factories the public sees (at least one published inspection, as on
    the map); ``where`` is an extra SQL condition on ``Factory`` (e.g. ``Factory.owners.any(id=user.id)``).
    On PostgreSQL a pg_trgm GIN index picks the candidates; on SQLite every row is a candidate. Either way
    ``rules.score`` decides, so the answer is the same on both and agrees with the public map's filter.
    """
    ids = search_ids(q, limit=limit, public_only=public_only, where=where)
    by_id = {f.id: f for f in db.session.scalars(sa.select(Factory).where(Factory.id.in_(ids)))} if ids else {}
    return [by_id[i] for i in ids]


def search_ids(q: str, *, limit: int | None = None, public_only: bool = True, where=None) -> list[int]:
    """The ids of the factories ``search`` finds, best first; all of them when ``limit`` is None."""
    query = rules.normalise(q)
    if not query or (limit is not None and limit < 1):
        return []
    stmt = sa.select(Factory.id, Factory.name, Factory.search_text)
    if public_only:
        t = factory_status
        stmt = stmt.join(t, t.c.factory_id == Factory.id).where(t.c.audience == "public",
                                                                t.c.published_inspections > 0)
    if where is not None:
        stmt = stmt.where(where)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.set_config(
            "pg_trgm.word_similarity_threshold", str(rules.WORD_SIMILARITY - _PG_MARGIN), True)))
        words = [sa.literal(w, sa.Text).op("<%")(Factory.search_text) for w in query.split(" ")]
        stmt = stmt.where(sa.or_(Factory.search_text.contains(query, autoescape=True), sa.and_(*words)))
    scored, score = [], rules.scorer(query)
    for fid, name, text in db.session.execute(stmt):
        s = score(text)
        if s > 0:
            scored.append((-s, name, fid))
    scored.sort()
    return [fid for _, _, fid in scored[:limit]]
