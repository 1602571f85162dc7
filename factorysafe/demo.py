"""Realistic, deterministic demo data (``flask seed-demo``), bulk-inserted so 2,000 factories take seconds."""
from __future__ import annotations

import datetime as dt
import io
import math
import random
from dataclasses import dataclass, field

import sqlalchemy as sa
from PIL import Image, ImageDraw
from werkzeug.security import generate_password_hash

from factorysafe import audit
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.actions.rules import deadline_for
from factorysafe.auth.models import PASSWORD_METHOD, Role, User
from factorysafe.db import db
from factorysafe.factories.models import Escalation, Evacuation, Factory, factory_owners
from factorysafe.inspections.models import (
    Discipline, Finding, FindingOrigin, Inspection, InspectionState, InspectionType, Photo, Severity,
    inspection_engineers,
)

# Garment clusters: (division, district, upazila/thana, latitude, longitude, spread in degrees, weight)
CLUSTERS = [
    ("Dhaka", "Dhaka", "Savar", 23.858, 90.266, 0.03, 14),
    ("Dhaka", "Dhaka", "Ashulia", 23.905, 90.305, 0.03, 16),
    ("Dhaka", "Dhaka", "Mirpur", 23.806, 90.368, 0.015, 6),
    ("Dhaka", "Dhaka", "Tejgaon", 23.764, 90.392, 0.01, 3),
    ("Dhaka", "Gazipur", "Gazipur Sadar", 23.999, 90.420, 0.03, 14),
    ("Dhaka", "Gazipur", "Tongi", 23.893, 90.405, 0.015, 6),
    ("Dhaka", "Gazipur", "Kaliakair", 24.072, 90.224, 0.03, 6),
    ("Dhaka", "Gazipur", "Konabari", 24.030, 90.330, 0.02, 5),
    ("Dhaka", "Gazipur", "Sreepur", 24.200, 90.470, 0.03, 4),
    ("Dhaka", "Narayanganj", "Narayanganj Sadar", 23.620, 90.500, 0.02, 7),
    ("Dhaka", "Narayanganj", "Fatullah", 23.640, 90.480, 0.015, 5),
    ("Dhaka", "Narayanganj", "Rupganj", 23.780, 90.540, 0.02, 2),
    ("Chittagong", "Chittagong", "Patenga (CEPZ)", 22.290, 91.790, 0.015, 5),
    ("Chittagong", "Chittagong", "Bayezid", 22.385, 91.820, 0.015, 3),
    ("Chittagong", "Chittagong", "Kalurghat", 22.395, 91.865, 0.015, 2),
    ("Mymensingh", "Mymensingh", "Bhaluka", 24.380, 90.380, 0.03, 2),
    ("Chittagong", "Comilla", "Comilla EPZ", 23.440, 91.180, 0.01, 1),
    ("Dhaka", "Narsingdi", "Madhabdi", 23.970, 90.660, 0.02, 1),
]

NAME_A = ["Rahman", "Karim", "Meghna", "Padma", "Jamuna", "Sonar Bangla", "Green Valley", "Delta", "Apex", "Star",
          "Rupali", "Nasa", "Shanta", "Ananta", "Hamid", "Ha-Meem", "Babylon", "Fakir", "Mondol", "Envoy", "Beximco",
          "Square", "Pacific", "Asian", "Standard", "Sterling", "Crystal", "Opex", "Tarasima", "Vintage"]
NAME_B = ["Garments Ltd", "Knitwear Ltd", "Apparels Ltd", "Fashions Ltd", "Sweaters Ltd", "Denim Ltd",
          "Textiles Ltd", "Knit Composite Ltd", "Dresses Ltd", "Outerwear Ltd"]

# (code, discipline, severity, immediate-danger possible, [observations], recommendation)
HAZARDS = [
    ("FIRE-EXIT-BLOCKED", "fire", "priority_1", False,
     ["Main exit on {floor} blocked by cartons of finished goods.", "Exit path to {area} obstructed by sewing machines."],
     "Clear the exit route and keep it free at all times; mark the exit path on the floor."),
    ("FIRE-EXIT-LOCKED", "fire", "priority_1", False,
     ["Collapsible gate on the {area} exit route was found padlocked during working hours.",
      "Exit door at {area} on {floor} locked with a key kept by the security guard."],
     "Remove collapsible gates from exit routes; exit doors must open without a key in the direction of travel."),
    ("FIRE-DOOR-MISSING", "fire", "high", False,
     ["No fire-rated, self-closing door at the {area} stair on {floor}.", "Stair door on {floor} is a wooden door without a fire rating."],
     "Install listed fire-rated, self-closing doors (minimum 60 minutes) at every stair opening."),
    ("FIRE-STAIR-UNENCLOSED", "fire", "medium", False,
     ["The {area} stair is open to the production floor on {floor}; no fire separation."],
     "Enclose the stair with fire-rated construction and doors."),
    ("FIRE-ALARM-MISSING", "fire", "high", False,
     ["No fire detection and alarm system on {floor}.", "Manual call points missing on {floor}; alarm not audible in {area}."],
     "Install an addressable fire detection and alarm system designed to NFPA 72."),
    ("FIRE-SPRINKLER-MISSING", "fire", "medium", False,
     ["No automatic sprinkler system in the {area} warehouse on {floor} (high-rise building)."],
     "Install an automatic sprinkler system designed to NFPA 13."),
    ("FIRE-EXIT-CAPACITY", "fire", "high", False,
     ["Only one exit serves {floor} with an occupant load above 500 workers.", "Exit width on {floor} too narrow for the occupant load."],
     "Provide additional exits of adequate width for the occupant load."),
    ("FIRE-EMERGENCY-LIGHTING", "fire", "medium", False,
     ["No emergency lighting or illuminated exit signs in the {area} of {floor}."],
     "Install emergency lighting and illuminated exit signs with battery back-up."),
    ("FIRE-STORAGE", "fire", "high", False,
     ["Fabric rolls stored in the aisles of {floor}, {area}.", "Combustible storage under the stair at {area}."],
     "Remove combustible storage from exits and aisles; store in a separated, sprinklered room."),
    ("ELEC-WIRING-HAPHAZARD", "electrical", "high", False,
     ["Haphazard wiring above sewing lines on {floor}, {area}.", "Loose cables hanging over the cutting tables in {area}."],
     "Re-route wiring in conduits or cable trays; remove abandoned cables."),
    ("ELEC-DB-OVERLOADED", "electrical", "priority_1", False,
     ["Distribution board on {floor} overloaded; breakers bypassed with wire.", "Main distribution board in {area} running above rated current."],
     "Rebalance loads, replace bypassed breakers and provide correctly rated protection."),
    ("ELEC-EARTHING-MISSING", "electrical", "high", False,
     ["No earthing on the distribution boards of {floor}.", "Machine frames in {area} not earthed."],
     "Provide an earthing system and bond all metal enclosures; test earth resistance."),
    ("ELEC-LIGHTNING-PROTECTION", "electrical", "medium", False,
     ["Building has no lightning protection system."],
     "Install a lightning protection system to IEC 62305."),
    ("ELEC-CABLE-UNSUPPORTED", "electrical", "medium", False,
     ["Cables without support or protection across the floor of {area}, {floor}."],
     "Support cables on trays and protect them where they cross walkways."),
    ("ELEC-THERMAL-HOTSPOT", "electrical", "high", False,
     ["Thermal scan found a hot spot of 95 °C on a breaker in the {area} panel, {floor}."],
     "Tighten or replace the overheating connection and rescan."),
    ("STRUCT-COLUMN-WEAK", "structural", "high", True,
     ["Columns on {floor} over capacity: demand-to-capacity ratio 1.4.", "Ground floor columns carry more load than their capacity (DCR 1.7)."],
     "Reduce the load and strengthen the columns (jacketing) following a detailed engineering assessment."),
    ("STRUCT-EXTRA-STOREY", "structural", "high", True,
     ["Two storeys above the approved drawings were added on top of the building."],
     "Provide an approved design for the added storeys or remove them."),
    ("STRUCT-FLOOR-OVERLOAD", "structural", "high", False,
     ["Heavy knitting machines and stock overload the slab of {floor}.", "Generator placed on the roof without structural design."],
     "Relocate heavy loads and verify the floor capacity by calculation."),
    ("STRUCT-CRACK", "structural", "medium", True,
     ["Diagonal cracks in the beams of {floor} near {area}.", "Cracks in columns on {floor}."],
     "Monitor, investigate the cause and repair the cracks following an engineer's design."),
    ("STRUCT-CHANGE-OF-USE", "structural", "medium", False,
     ["{floor} designed as office is used for warehouse storage."],
     "Return the floor to its design use or verify its capacity for the new use."),
    ("STRUCT-CONCRETE-STRENGTH", "structural", "medium", False,
     ["Core tests give concrete strength below the design value in the columns of {floor}."],
     "Carry out a detailed engineering assessment with the measured strength."),
    ("BOILER-CERT-MISSING", "boiler", "high", False,
     ["Boiler in {area} has no valid certificate from the Chief Inspector of Boilers."],
     "Obtain a valid boiler certificate after inspection."),
    ("BOILER-SAFETY-VALVE", "boiler", "priority_1", False,
     ["Boiler safety valve in {area} is missing or blocked."],
     "Install and test a correctly set safety valve."),
    ("BOILER-LOCATION", "boiler", "medium", False,
     ["Boiler located inside the production building next to {area}."],
     "Move the boiler to a separate boiler house or separate it with fire-rated construction."),
]
DISCIPLINE_WEIGHTS = {"fire": 45, "electrical": 35, "structural": 15, "boiler": 5}
FLOORS = ["ground floor", "1st floor", "2nd floor", "3rd floor", "4th floor", "5th floor", "6th floor", "roof"]
AREAS = ["north stair", "south stair", "sewing section", "cutting section", "finishing section", "store room",
         "boiler room", "main entrance", "packing area", "canteen"]

DEMO_PASSWORDS = {"admin": "demo-admin-pass", "engineer": "demo-engineer-pass", "owner": "demo-owner-pass"}


@dataclass
class SeedReport:
    factories: int = 0
    inspections: int = 0
    findings: int = 0
    photos: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _demo_images(rng: random.Random, n: int = 8) -> list[tuple[bytes, str]]:
    """Small, plausible 'site photos' drawn with Pillow: walls, a doorway, a hazard sign."""
    out = []
    palette = [(150, 140, 120), (90, 100, 110), (180, 170, 150), (120, 110, 90)]
    for i in range(n):
        img = Image.new("RGB", (800, 600), palette[i % len(palette)])
        d = ImageDraw.Draw(img)
        d.rectangle([300, 150, 500, 600], fill=(60, 50, 40))  # a doorway
        for k in range(6):  # cartons
            x = rng.randint(0, 700)
            y = rng.randint(380, 520)
            d.rectangle([x, y, x + 100, y + 80], fill=(170, 130, 80), outline=(90, 60, 30), width=3)
        d.polygon([(650, 40), (760, 40), (705, 130)], fill=(240, 200, 0), outline=(0, 0, 0))
        d.text((20, 20), f"demo site photo {i + 1}", fill=(255, 255, 255))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=80)
        out.append((buf.getvalue(), f"demo-{i + 1}.jpg"))
    return out


def database_has_factories() -> bool:
    return db.session.scalar(sa.select(sa.func.count(Factory.id))) > 0


def seed_demo(n_factories: int = 36, findings_per_factory: int = 75, seed: int = 1,
              today: dt.date | None = None, with_photos: bool = True) -> SeedReport:
    """Insert demo factories, owners, engineers, inspections, findings, actions and photos.

    Deterministic for a given ``seed`` and ``today``. Uses bulk inserts with explicit ids.
    """
    from factorysafe.uploads import ingest_photo

    rng = random.Random(seed)
    today = today or dt.date.today()
    report = SeedReport()
    bind = db.session.get_bind()

    # --- accounts ---------------------------------------------------------------------------
    hashes = {role: generate_password_hash(pw, method=PASSWORD_METHOD) for role, pw in DEMO_PASSWORDS.items()}
    uid = _next_id(User)
    users = [{"id": uid, "email": f"admin{seed}@demo.factorysafe.test" if seed != 1 else "admin@demo.factorysafe.test",
              "name": "Programme administrator", "role": Role.ADMIN.value, "password_hash": hashes["admin"]}]
    n_eng = max(2, min(40, n_factories // 50 + 2))
    engineer_ids = []
    for i in range(n_eng):
        uid += 1
        engineer_ids.append(uid)
        users.append({"id": uid, "email": _demo_email("engineer", i + 1, seed), "name": f"Engineer {i + 1}",
                      "role": Role.ENGINEER.value, "password_hash": hashes["engineer"]})
    n_owners = max(1, math.ceil(n_factories / 2))
    owner_ids = []
    for i in range(n_owners):
        uid += 1
        owner_ids.append(uid)
        users.append({"id": uid, "email": _demo_email("owner", i + 1, seed), "name": f"Owner {i + 1}",
                      "role": Role.OWNER.value, "password_hash": hashes["owner"]})
    existing = set(db.session.scalars(sa.select(User.email).where(User.email.in_([u["email"] for u in users]))))
    if existing:
        raise ValueError(f"Demo accounts already exist ({sorted(existing)[0]}, ...): use another --seed or --reset.")
    _bulk(User, users)
    report.accounts = [(users[0]["email"], "admin", DEMO_PASSWORDS["admin"]),
                       (users[1]["email"], "engineer", DEMO_PASSWORDS["engineer"]),
                       (users[1 + n_eng]["email"], "owner", DEMO_PASSWORDS["owner"])]
    if n_owners > 1:
        report.accounts.append((users[2 + n_eng]["email"], "owner", DEMO_PASSWORDS["owner"]))

    # --- photos: a small pool of real, verified images shared by many findings ----------------
    pool = []
    if with_photos:
        for data, name in _demo_images(rng):
            p = ingest_photo(io.BytesIO(data), name)
            pool.append((p.sha256, p.original_ext, p.content_type, p.width, p.height, p.size_bytes))
            db.session.delete(p)
        db.session.flush()

    # --- factories and everything under them ----------------------------------------------------
    weights = [c[6] for c in CLUSTERS]
    by_disc = {d: [h for h in HAZARDS if h[1] == d] for d in DISCIPLINE_WEIGHTS}
    disc_names, disc_w = list(DISCIPLINE_WEIGHTS), list(DISCIPLINE_WEIGHTS.values())
    fid, iid, fnid, aid, pid, xid = (_next_id(m) for m in (Factory, Inspection, Finding, CorrectiveAction, Photo, DeadlineExtension))
    factories, owners, inspections, eng_links, findings, actions, photos, extensions = ([] for _ in range(8))
    escalations, evacuations = [], []
    names_used: set[str] = set()
    for n in range(n_factories):
        div, dist, upa, lat, lon, spread, _w = rng.choices(CLUSTERS, weights)[0]
        name = f"{rng.choice(NAME_A)} {rng.choice(NAME_B)}"
        if name in names_used:
            name = f"{name} (Unit {n + 1})"
        names_used.add(name)
        storeys = rng.choice([3, 4, 5, 6, 6, 7, 8, 9, 10])
        initial_on = today - dt.timedelta(days=rng.randint(30, 1100))
        cap_agreed = None if rng.random() < 0.08 else initial_on + dt.timedelta(days=rng.randint(14, 60))
        if cap_agreed and cap_agreed > today:
            cap_agreed = None
        f = {"id": fid, "name": name, "address": f"Plot {rng.randint(1, 400)}, Road {rng.randint(1, 30)}, {upa}",
             "division": div, "district": dist, "upazila": upa,
             "latitude": round(lat + rng.uniform(-spread, spread), 6),
             "longitude": round(lon + rng.uniform(-spread, spread), 6),
             "storeys": storeys, "shared_building": rng.random() < 0.25, "workers": rng.randint(150, 9000),
             "brands_count": rng.randint(1, 12), "safety_committee_trained": rng.random() < 0.6,
             "cap_agreed_on": cap_agreed, "escalation_stage": 0, "version": 1}
        owners.append({"factory_id": fid, "user_id": owner_ids[n % n_owners]})
        engineer = rng.choice(engineer_ids)
        # how far along this factory is: 0 stalled .. 1 done
        diligence = rng.betavariate(2.5, 1.0)
        good = diligence > 0.8  # fixes everything that is due
        keeps_extending = rng.random() < 0.5
        n_find = max(3, int(rng.gauss(findings_per_factory, findings_per_factory * 0.3)))
        plan = [(InspectionType.INITIAL, initial_on, n_find, FindingOrigin.INITIAL, InspectionState.PUBLISHED)]
        if (today - initial_on).days > 180 and rng.random() < 0.7:
            fu_on = initial_on + dt.timedelta(days=rng.randint(120, (today - initial_on).days - 30))
            plan.append((InspectionType.FOLLOW_UP, fu_on, rng.randint(1, max(2, n_find // 10)), FindingOrigin.NEW,
                         InspectionState.PUBLISHED))
        if rng.random() < 0.1:
            plan.append((InspectionType.FOLLOW_UP, today - dt.timedelta(days=rng.randint(0, 20)), rng.randint(1, 4),
                         FindingOrigin.NEW, rng.choice([InspectionState.DRAFT, InspectionState.SUBMITTED])))
        danger_finding = None
        for itype, on, count, origin, state in plan:
            inspections.append({"id": iid, "factory_id": fid, "type": itype.value, "inspected_on": on,
                                "disciplines": ",".join(disc_names), "state": state.value, "created_by_id": engineer,
                                "summary": "", "version": 1,
                                "submitted_at": dt.datetime.combine(on, dt.time(17)) if state != InspectionState.DRAFT else None,
                                "published_at": dt.datetime.combine(on + dt.timedelta(days=7), dt.time(9)) if state == InspectionState.PUBLISHED else None})
            eng_links.append({"inspection_id": iid, "user_id": engineer})
            seq = {d: 0 for d in disc_names}
            for _ in range(count):
                disc = rng.choices(disc_names, disc_w)[0]
                code, _d, sev, can_danger, observations, recommendation = rng.choice(by_disc[disc])
                seq[disc] += 1
                floor, area = rng.choice(FLOORS[: storeys] + ["roof"]), rng.choice(AREAS)
                danger = can_danger and rng.random() < 0.02
                findings.append({"id": fnid, "inspection_id": iid, "factory_id": fid, "discipline": disc,
                                 "item_number": f"{Discipline(disc).prefix}-{seq[disc]}", "hazard_code": code,
                                 "floor": floor, "area": area,
                                 "observation": rng.choice(observations).format(floor=floor, area=area),
                                 "recommendation": recommendation, "severity": sev, "immediate_danger": danger,
                                 "origin": origin.value, "version": 1,
                                 "severity_override_reason": "", "deadline_override_reason": ""})
                if danger and danger_finding is None and state == InspectionState.PUBLISHED:
                    danger_finding = (fnid, on, floor)
                deadline = deadline_for(Severity(sev), on)
                a = {"id": aid, "finding_id": fnid, "factory_id": fid, "deadline": deadline, "original_deadline": deadline,
                     "status": ActionStatus.IN_PROGRESS.value, "version": 1, "planned_action": "",
                     "responsible_person": "", "fix_note": "", "rejection_reason": ""}
                if state == InspectionState.PUBLISHED and cap_agreed:
                    a["planned_action"] = recommendation
                    a["responsible_person"] = rng.choice(["Compliance manager", "Admin manager", "Factory engineer", "GM operations"])
                    if rng.random() < 0.12 and deadline < today + dt.timedelta(days=60):  # extension history
                        approved = rng.random() < 0.7
                        new_deadline = deadline + dt.timedelta(days=rng.choice([30, 45, 60, 90]))
                        extensions.append(_extension(xid, aid, owner_ids[n % n_owners], engineer, on, deadline,
                                                     new_deadline, approved, today))
                        xid += 1
                        if approved:
                            a["deadline"] = deadline = new_deadline
                    if deadline < today and good and keeps_extending and rng.random() < 0.15:
                        # a well-run factory waiting for imported equipment: extension approved
                        new_deadline = today + dt.timedelta(days=rng.randint(15, 150))
                        extensions.append(_extension(xid, aid, owner_ids[n % n_owners], engineer, on, deadline,
                                                     new_deadline, True, today))
                        xid += 1
                        a["deadline"] = deadline = new_deadline
                    if deadline < today:  # due already: well-run factories have fixed it
                        p_fixed = 1.0 if good else diligence ** 0.6
                    else:  # not yet due: some early fixes
                        p_fixed = diligence * 0.6 * (today - on).days / max(1, (deadline - on).days)
                    if rng.random() < p_fixed:
                        latest = min(today, max(on + dt.timedelta(days=11), deadline + dt.timedelta(days=20)))
                        fixed_on = on + dt.timedelta(days=rng.randint(10, max(10, (latest - on).days)))
                        recent = (today - fixed_on).days < 45
                        if recent and rng.random() < 0.6 and not (good and deadline < today):
                            a.update(status=ActionStatus.PENDING_VERIFICATION.value, reported_fixed_on=fixed_on,
                                     fix_note="Fixed; ready for verification.")
                        else:
                            a.update(status=ActionStatus.CORRECTED.value, reported_fixed_on=fixed_on,
                                     fix_note="Work completed; see photos.",
                                     verified_on=min(today, fixed_on + dt.timedelta(days=rng.randint(5, 40))),
                                     verified_by_id=engineer)
                actions.append(a)
                if pool and rng.random() < 0.35:
                    sha, ext, ctype, w, h, size = rng.choice(pool)
                    photos.append({"id": pid, "sha256": sha, "original_ext": ext, "content_type": ctype, "width": w,
                                   "height": h, "size_bytes": size, "finding_id": fnid, "uploaded_by_id": engineer,
                                   "private": rng.random() < 0.05, "caption": f"{Discipline(disc).prefix}-{seq[disc]}"})
                    pid += 1
                fnid += 1
                aid += 1
            iid += 1
        if danger_finding:
            d_id, d_on, d_floor = danger_finding
            resumed = d_on + dt.timedelta(days=rng.randint(20, 120)) if rng.random() < 0.7 else None
            evacuations.append({"factory_id": fid, "finding_id": d_id, "ordered_on": d_on, "floors": d_floor,
                                "workers_affected": rng.randint(100, f["workers"]), "note": "",
                                "resumed_on": resumed if resumed and resumed < today else None,
                                "ordered_by_id": engineer})
        if cap_agreed and diligence < 0.25 and (today - initial_on).days > 300:
            stage = rng.choice([1, 1, 2, 2, 3])
            for s in range(1, stage + 1):
                applied = initial_on + dt.timedelta(days=200 + 60 * s)
                escalations.append({"factory_id": fid, "stage": s, "applied_on": min(applied, today),
                                    "applied_by_id": engineer, "note": ["", "Notice letter sent.", "Mandatory meeting held.",
                                                                        "Terminated: no progress after meeting."][s],
                                    "requalify_on": None})
            f["escalation_stage"] = stage
            if stage == 3:
                since = min(initial_on + dt.timedelta(days=380), today)
                f["ineligible_since"] = since
                from factorysafe.actions.rules import add_months
                f["requalify_on"] = add_months(since, 18)
                escalations[-1]["requalify_on"] = f["requalify_on"]
        factories.append(f)
        fid += 1

    _bulk(Factory, factories)
    _bulk(factory_owners, owners)
    _bulk(Inspection, inspections)
    _bulk(inspection_engineers, eng_links)
    _bulk(Finding, findings)
    _bulk(CorrectiveAction, actions)
    _bulk(Photo, photos)
    _bulk(DeadlineExtension, extensions)
    _bulk(Escalation, escalations)
    _bulk(Evacuation, evacuations)
    if bind.dialect.name == "postgresql":
        for table in ("users", "factories", "inspections", "findings", "corrective_actions", "photos",
                      "deadline_extensions", "escalations", "evacuations"):
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"))
    audit.record("seed_demo", subject_type="database", note=f"seed={seed} factories={n_factories}",
                 after={"factories": len(factories), "findings": len(findings)})
    report.factories, report.inspections, report.findings, report.photos = (
        len(factories), len(inspections), len(findings), len(photos))
    return report


def _extension(xid, action_id, owner_id, engineer_id, found_on, deadline, new_deadline, approved, today) -> dict:
    asked = min(max(found_on, deadline - dt.timedelta(days=10)), today - dt.timedelta(days=5))
    return {"id": xid, "action_id": action_id, "requested_by_id": owner_id,
            "requested_at": dt.datetime.combine(asked, dt.time(10)),
            "reason": "Fire doors are imported; the shipment is delayed at Chittagong port.",
            "previous_deadline": deadline, "requested_deadline": new_deadline,
            "status": (ExtensionStatus.APPROVED if approved else ExtensionStatus.DECLINED).value,
            "decided_by_id": engineer_id, "decided_at": dt.datetime.combine(asked + dt.timedelta(days=5), dt.time(15)),
            "decision_comment": "Agreed with proof of order." if approved else "No evidence of the order was provided."}


def _demo_email(role: str, i: int, seed: int) -> str:
    suffix = "" if seed == 1 else f".s{seed}"
    return f"{role}{i}{suffix}@demo.factorysafe.test"


def _bulk(target, rows: list[dict], chunk: int = 5000) -> None:
    if not rows:
        return
    table = target.__table__ if hasattr(target, "__table__") else target
    # every row of a chunk must have the same keys for executemany
    keys = set().union(*(r.keys() for r in rows))
    defaults = {c.name: (c.default.arg if c.default is not None and not callable(c.default.arg) else None)
                for c in table.columns}
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for c in table.columns:
        if c.name in ("created_at", "updated_at", "uploaded_at", "requested_at") and c.name not in keys:
            defaults[c.name] = now
            keys.add(c.name)
    norm = [{k: r.get(k, defaults.get(k)) for k in keys} for r in rows]
    for i in range(0, len(norm), chunk):
        db.session.execute(sa.insert(table), norm[i:i + chunk])


def reset_database() -> None:
    """Delete every row (keeps the schema). Used by ``seed-demo --reset``."""
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
