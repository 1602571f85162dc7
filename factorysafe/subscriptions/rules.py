"""What a follower hears about: pure functions over two snapshots of a factory's public state."""
from __future__ import annotations

import re

#: A plain check of an address's shape (the confirmation e-mail is the real test).
EMAIL_RE = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,252}\.[A-Za-z]{2,63}$")


def normalise_email(text: str) -> str | None:
    """The address as stored (trimmed, lower-cased), or None when it is not one."""
    email = (text or "").strip().lower()
    return email if len(email) <= 254 and EMAIL_RE.match(email) and ".." not in email else None


def snapshot(row: dict) -> dict:
    """What a follower is told about, from the factory's public row (``maps.services`` / ``factory_status``)."""
    return {"cap_status": row["cap_status"].value, "overdue": int(row["overdue_total"] or 0),
            "published": int(row["published_inspections"] or 0),
            "evacuation": bool(row.get("evacuation"))}


def changes(before: dict | None, now: dict) -> list[tuple[str, dict]]:
    """The events between two snapshots, as (kind, values): "status" (CAP status changed), "overdue" (more
    actions passed their deadline), "published" (another inspection report published), "evacuation" (an
    evacuation began or ended). Nothing when there is no earlier snapshot (just confirmed)."""
    if not before:
        return []
    out = []
    if before.get("cap_status") != now["cap_status"]:
        out.append(("status", {"before": before.get("cap_status"), "after": now["cap_status"]}))
    if now["overdue"] > int(before.get("overdue", 0)):
        out.append(("overdue", {"n": now["overdue"] - int(before.get("overdue", 0)), "total": now["overdue"]}))
    if now["published"] > int(before.get("published", 0)):
        out.append(("published", {"n": now["published"] - int(before.get("published", 0))}))
    if now["evacuation"] != bool(before.get("evacuation")):
        out.append(("evacuation", {"in_force": now["evacuation"]}))
    return out
