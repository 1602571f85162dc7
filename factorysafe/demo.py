"""Realistic, deterministic demo data (``flask seed-demo``) that obeys every rule the forms and services enforce.

Each factory's story is planned first (pure, from one seeded ``random.Random``): its inspections, findings and
what happened to each corrective action, as dated events (extension requested and decided, fix reported,
rejected, verified). Severity, discipline and deadline of every finding come from the hazard catalogue through
``factorysafe.hazards.apply_catalogue_defaults``, exactly as the finding form fills them; the few deliberate
overrides carry the reason the form would demand. The demo keeps only its own texts (observation templates and
a recommendation) keyed by catalogue code.

The story is then written in one of two ways, with the same result:

- the factories of the demo accounts printed by ``seed-demo`` (the first ``via_services``) are replayed through
  the real operations (``inspections.services``, ``actions.services``, ``hazards.services``), which check
  every rule and write the audit trail;
- all others are bulk-inserted (explicit ids, executemany) so 2,000 factories take seconds; their rows are
  what replaying the same events through the services gives (``tests/test_demo_consistency.py`` checks that).
"""
from __future__ import annotations

import datetime as dt
import io
import json
import itertools
import math
import random
from dataclasses import dataclass, field

from flask import current_app

import sqlalchemy as sa
from PIL import Image, ImageDraw
from werkzeug.security import generate_password_hash

from factorysafe import audit, hazards
from factorysafe.actions.models import ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus
from factorysafe.actions.rules import add_months
from factorysafe.auth.models import PASSWORD_METHOD, Role, User, new_session_token
from factorysafe.auth.queries import forget_demo_accounts
from factorysafe.db import db
from factorysafe.factories.rules import factory_search_text
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
#: Each part of a demo name in Bangla script, as the factories write their names on their signboards.
NAME_BN = {
    "Rahman": "রহমান", "Karim": "করিম", "Meghna": "মেঘনা", "Padma": "পদ্মা", "Jamuna": "যমুনা",
    "Sonar Bangla": "সোনার বাংলা", "Green Valley": "গ্রিন ভ্যালি", "Delta": "ডেল্টা", "Apex": "অ্যাপেক্স",
    "Star": "স্টার", "Rupali": "রূপালী", "Nasa": "নাসা", "Shanta": "শান্তা", "Ananta": "অনন্ত", "Hamid": "হামিদ",
    "Ha-Meem": "হা-মীম", "Babylon": "ব্যাবিলন", "Fakir": "ফকির", "Mondol": "মণ্ডল", "Envoy": "এনভয়",
    "Beximco": "বেক্সিমকো", "Square": "স্কয়ার", "Pacific": "প্যাসিফিক", "Asian": "এশিয়ান",
    "Standard": "স্ট্যান্ডার্ড", "Sterling": "স্টার্লিং", "Crystal": "ক্রিস্টাল", "Opex": "ওপেক্স",
    "Tarasima": "তারাসিমা", "Vintage": "ভিন্টেজ",
    "Garments Ltd": "গার্মেন্টস লিমিটেড", "Knitwear Ltd": "নিটওয়্যার লিমিটেড", "Apparels Ltd": "অ্যাপারেলস লিমিটেড",
    "Fashions Ltd": "ফ্যাশনস লিমিটেড", "Sweaters Ltd": "সোয়েটার্স লিমিটেড", "Denim Ltd": "ডেনিম লিমিটেড",
    "Textiles Ltd": "টেক্সটাইলস লিমিটেড", "Knit Composite Ltd": "নিট কম্পোজিট লিমিটেড",
    "Dresses Ltd": "ড্রেসেস লিমিটেড", "Outerwear Ltd": "আউটারওয়্যার লিমিটেড",
}
_BN_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


def demo_names(first: str, second: str, unit: int | None = None) -> tuple[str, str]:
    """A demo factory's name in Latin and in Bangla script, composed from two parts (``NAME_A``, ``NAME_B``)
    and, for a name already taken, the unit number: ("Crystal Garments Ltd (Unit 7)", "ক্রিস্টাল গার্মেন্টস
    লিমিটেড (ইউনিট ৭)")."""
    name, name_bn = f"{first} {second}", f"{NAME_BN[first]} {NAME_BN[second]}"
    if unit is not None:
        name, name_bn = f"{name} (Unit {unit})", f"{name_bn} (ইউনিট {str(unit).translate(_BN_DIGITS)})"
    return name, name_bn


def demo_registration_no(factory_id: int, district: str) -> str:
    """A demo registration (licence) number: the district's first letters, a serial from the factory id."""
    return f"{district[:3].upper()}-{(factory_id * 7919) % 90000 + 10000:05d}"

# The demo's own texts, keyed by hazard catalogue code: observation templates and the recommendation.
# Everything else about a hazard (discipline, severity, deadline rule, whether immediate danger is possible)
# is read from the catalogue; a code missing from the catalogue fails loudly (see ``_texts_by_discipline``).
TEXTS: dict[str, tuple[list[str], str]] = {
    "FIRE-EXIT-BLOCKED": (
        ["Main exit on {floor} blocked by cartons of finished goods.", "Exit path to {area} obstructed by sewing machines."],
        "Clear the exit route and keep it free at all times; mark the exit path on the floor."),
    "FIRE-EXIT-LOCKED": (
        ["Collapsible gate on the {area} exit route was found padlocked during working hours.",
         "Exit door at {area} on {floor} locked with a key kept by the security guard."],
        "Remove collapsible gates from exit routes; exit doors must open without a key in the direction of travel."),
    "FIRE-DOOR-MISSING": (
        ["No fire-rated, self-closing door at the {area} stair on {floor}.",
         "Stair door on {floor} is a wooden door without a fire rating."],
        "Install listed fire-rated, self-closing doors (minimum 60 minutes) at every stair opening."),
    "FIRE-STAIR-UNENCLOSED": (
        ["The {area} stair is open to the production floor on {floor}; no fire separation."],
        "Enclose the stair with fire-rated construction and doors."),
    "FIRE-ALARM-MISSING": (
        ["No fire detection and alarm system on {floor}.", "Manual call points missing on {floor}; alarm not audible in {area}."],
        "Install an addressable fire detection and alarm system designed to NFPA 72."),
    "FIRE-SPRINKLER-MISSING": (
        ["No automatic sprinkler system in the {area} warehouse on {floor} (high-rise building)."],
        "Install an automatic sprinkler system designed to NFPA 13."),
    "FIRE-EXIT-CAPACITY": (
        ["Only one exit serves {floor} with an occupant load above 500 workers.",
         "Exit width on {floor} too narrow for the occupant load."],
        "Provide additional exits of adequate width for the occupant load."),
    "FIRE-EMERGENCY-LIGHTING": (
        ["No emergency lighting or illuminated exit signs in the {area} of {floor}."],
        "Install emergency lighting and illuminated exit signs with battery back-up."),
    "FIRE-STORAGE": (
        ["Fabric rolls stored in the aisles of {floor}, {area}.", "Combustible storage under the stair at {area}."],
        "Remove combustible storage from exits and aisles; store in a separated, sprinklered room."),
    "FIRE-EXTINGUISHERS": (
        ["Fire extinguishers in the {area} of {floor} are out of date and not mounted.",
         "No fire extinguisher within reach of the {area} on {floor}."],
        "Provide, mount and service portable extinguishers of the right type; keep the service tags current."),
    "FIRE-HYDRANT": (
        ["No fire hydrant or hose reel system serves {floor}.", "Hose reel in the {area} has no water pressure."],
        "Install a standpipe and hose system with a dedicated water reserve and fire pump."),
    "ELEC-WIRING-HAPHAZARD": (
        ["Haphazard wiring above sewing lines on {floor}, {area}.", "Loose cables hanging over the cutting tables in {area}."],
        "Re-route wiring in conduits or cable trays; remove abandoned cables."),
    "ELEC-DB-OVERLOADED": (
        ["Distribution board on {floor} overloaded; breakers bypassed with wire.",
         "Main distribution board in {area} running above rated current."],
        "Rebalance loads, replace bypassed breakers and provide correctly rated protection."),
    "ELEC-EARTHING-MISSING": (
        ["No earthing on the distribution boards of {floor}.", "Machine frames in {area} not earthed."],
        "Provide an earthing system and bond all metal enclosures; test earth resistance."),
    "ELEC-LIGHTNING-PROTECTION": (
        ["Building has no lightning protection system."],
        "Install a lightning protection system to IEC 62305."),
    "ELEC-CABLE-UNSUPPORTED": (
        ["Cables without support or protection across the floor of {area}, {floor}."],
        "Support cables on trays and protect them where they cross walkways."),
    "ELEC-THERMAL-HOTSPOT": (
        ["Thermal scan found a hot spot of 95 °C on a breaker in the {area} panel, {floor}."],
        "Tighten or replace the overheating connection and rescan."),
    "ELEC-GENERATOR": (
        ["Diesel generator inside the {area} on {floor} without fire separation or exhaust to outside."],
        "Move the generator to a separated, ventilated room with its fuel store outside the building."),
    "STRUCT-COLUMN-WEAK": (
        ["Columns on {floor} over capacity: demand-to-capacity ratio 1.4.",
         "Ground floor columns carry more load than their capacity (DCR 1.7)."],
        "Reduce the load and strengthen the columns (jacketing) following a detailed engineering assessment."),
    "STRUCT-EXTRA-STOREY": (
        ["Two storeys above the approved drawings were added on top of the building."],
        "Provide an approved design for the added storeys or remove them."),
    "STRUCT-FLOOR-OVERLOAD": (
        ["Heavy knitting machines and stock overload the slab of {floor}.", "Generator placed on the roof without structural design."],
        "Relocate heavy loads and verify the floor capacity by calculation."),
    "STRUCT-CRACK": (
        ["Diagonal cracks in the beams of {floor} near {area}.", "Cracks in columns on {floor}."],
        "Monitor, investigate the cause and repair the cracks following an engineer's design."),
    "STRUCT-CHANGE-OF-USE": (
        ["{floor} designed as office is used for warehouse storage."],
        "Return the floor to its design use or verify its capacity for the new use."),
    "STRUCT-CONCRETE-STRENGTH": (
        ["Core tests give concrete strength below the design value in the columns of {floor}."],
        "Carry out a detailed engineering assessment with the measured strength."),
    "STRUCT-ROOF-LOAD": (
        ["Water tanks and a canteen on the roof were not in the structural design."],
        "Remove the unplanned roof loads or verify the roof slab by calculation."),
    "BOILER-CERT-MISSING": (
        ["Boiler in {area} has no valid certificate from the Chief Inspector of Boilers."],
        "Obtain a valid boiler certificate after inspection."),
    "BOILER-SAFETY-VALVE": (
        ["Boiler safety valve in {area} is missing or blocked."],
        "Install and test a correctly set safety valve."),
    "BOILER-LOCATION": (
        ["Boiler located inside the production building next to {area}."],
        "Move the boiler to a separate boiler house or separate it with fire-rated construction."),
}
DISCIPLINE_WEIGHTS = {"fire": 45, "electrical": 35, "structural": 15, "boiler": 5}
FLOORS = ["ground floor", "1st floor", "2nd floor", "3rd floor", "4th floor", "5th floor", "6th floor", "roof"]
AREAS = ["north stair", "south stair", "sewing section", "cutting section", "finishing section", "store room",
         "boiler room", "main entrance", "packing area", "canteen"]
RESPONSIBLE = ["Compliance manager", "Admin manager", "Factory engineer", "GM operations"]

# Deliberate overrides, each with the reason the finding form insists on.
SEVERITY_OVERRIDE_RATE = 0.03
DEADLINE_OVERRIDE_RATE = 0.02
RAISED_REASON = "Raised: the hazard is on the only exit route of a floor with more than 500 workers."
LOWERED_REASON = "Lowered: the area is a closed store room with no workers; exits are not affected."
DEADLINE_REASON = "Imported equipment: the supplier's confirmed lead time is longer than the catalogue's rule."
EXTENSION_REASON = "Fire doors are imported; the shipment is delayed at Chittagong port."
APPROVED_COMMENT = "Agreed with proof of order."
DECLINED_COMMENT = "No evidence of the order was provided."
FIX_PENDING_NOTE = "Fixed; ready for verification."
FIX_DONE_NOTE = "Work completed; see photos."
REJECTION_REASON = "The photos do not show the whole area; the work is incomplete."

DEMO_PASSWORDS = {"admin": "demo-admin-pass", "engineer": "demo-engineer-pass", "owner": "demo-owner-pass"}
# The first factories (owned by the demo owner accounts that seed-demo prints) are built through the services.
VIA_SERVICES = 2


@dataclass
class SeedReport:
    factories: int = 0
    inspections: int = 0
    findings: int = 0
    photos: int = 0
    complaints: int = 0
    complaint_receipt: str = ""  # the receipt code of one open demo complaint, to try /report/status with
    accounts: list[tuple[str, str, str]] = field(default_factory=list)


# --- the plan: what happens, with dates; written either way ---------------------------------------------
@dataclass
class Extension:
    asked: dt.date
    new_deadline: dt.date
    approved: bool
    decided: dt.date


@dataclass
class PlannedFinding:
    values: dict  # the finding form's values (severity "" = the catalogue's)
    deadline_override: dt.date | None
    deadline_override_reason: str
    filled: dict  # apply_catalogue_defaults(values): discipline, severity, deadline
    item_number: str
    plan: tuple[str, str] | None = None  # the owner's planned action and responsible person
    events: list[tuple] = field(default_factory=list)  # (verb, date, ...) in date order
    photo: tuple | None = None  # (pool entry, private)
    id: int | None = None


@dataclass
class PlannedInspection:
    type: InspectionType
    on: dt.date
    state: InspectionState
    findings: list[PlannedFinding] = field(default_factory=list)
    id: int | None = None

    @property
    def submitted_at(self) -> dt.datetime | None:
        return dt.datetime.combine(self.on, dt.time(17)) if self.state != InspectionState.DRAFT else None

    @property
    def published_at(self) -> dt.datetime | None:
        return (dt.datetime.combine(self.on + dt.timedelta(days=7), dt.time(9))
                if self.state == InspectionState.PUBLISHED else None)


@dataclass
class PlannedFactory:
    row: dict
    owner_id: int
    engineer_id: int
    inspections: list[PlannedInspection] = field(default_factory=list)
    evacuation: tuple | None = None  # (finding, ordered_on, floors, workers, resumed_on)
    escalations: list[tuple[int, dt.date, str]] = field(default_factory=list)  # (stage, applied_on, note)
    escalation_rows: list[dict] = field(default_factory=list)


def _next_id(model) -> int:
    return (db.session.scalar(sa.select(sa.func.max(model.id))) or 0) + 1


def _texts_by_discipline() -> dict[str, list[str]]:
    """The demo's codes grouped by their catalogue discipline (raises for a code the catalogue lacks)."""
    out: dict[str, list[str]] = {d: [] for d in DISCIPLINE_WEIGHTS}
    for code in TEXTS:
        out[hazards.defaults_for(code)["discipline"].value].append(code)
    return out


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


def _plan_finding(rng: random.Random, code: str, on: dt.date, floor: str, area: str, item_number: str,
                  cache: dict) -> PlannedFinding:
    """A finding as an engineer would enter it in the form; the catalogue fills severity, discipline, deadline."""
    observations, recommendation = TEXTS[code]
    values = {"hazard_code": code, "floor": floor, "area": area,
              "observation": rng.choice(observations).format(floor=floor, area=area),
              "recommendation": recommendation, "severity": "", "severity_override_reason": ""}
    default = cache.get(code)
    if default is None:  # the catalogue does not change while seeding
        default = cache[code] = hazards.defaults_for(code)
    values["immediate_danger"] = bool(default["immediate_danger_possible"] and rng.random() < 0.02)
    if rng.random() < SEVERITY_OVERRIDE_RATE:
        order = list(Severity)  # most severe first
        i = order.index(default["severity"])
        raise_it = i > 0 and (i == len(order) - 1 or rng.random() < 0.5)
        values["severity"] = order[i - 1] if raise_it else order[i + 1]
        values["severity_override_reason"] = RAISED_REASON if raise_it else LOWERED_REASON
    deadline_override, deadline_reason = None, ""
    if rng.random() < DEADLINE_OVERRIDE_RATE:
        expected = hazards.deadline_for_hazard(code, on, values["severity"] or None)
        deadline_override = expected + dt.timedelta(weeks=rng.choice([4, 8, 12]))
        deadline_reason = DEADLINE_REASON
    key = (code, on) if not (values["severity"] or deadline_override) else None
    filled = cache.get(key) if key else None
    if filled is None:  # the form's own rule; a plain finding of a code on a day gives the same, so it is reused
        filled = hazards.apply_catalogue_defaults(
            {"hazard_code": code, "severity": values["severity"],
             "severity_override_reason": values["severity_override_reason"],
             "deadline": deadline_override, "deadline_override_reason": deadline_reason}, on)
        if key:
            cache[key] = filled
    values["discipline"] = filled["discipline"].value
    return PlannedFinding(values, deadline_override, deadline_reason, filled, item_number)


def _extension(t: dt.date, deadline: dt.date, new_deadline: dt.date, approved: bool, today: dt.date) -> Extension | None:
    """A request some days before the deadline (not before ``t``, the last thing that happened), decided 5 days later."""
    asked = min(max(t, deadline - dt.timedelta(days=10)), today - dt.timedelta(days=5))
    if asked < t or new_deadline <= deadline:
        return None
    return Extension(asked, new_deadline, approved, min(asked + dt.timedelta(days=5), today))


def _plan_action(rng: random.Random, pf: PlannedFinding, on: dt.date, published_on: dt.date, today: dt.date,
                 good: bool, diligence: float, keeps_extending: bool) -> None:
    """What the factory and the engineer did with one published finding's action, as dated events."""
    deadline = pf.filled["deadline"]
    pf.plan = (pf.values["recommendation"], rng.choice(RESPONSIBLE))
    t = published_on  # nothing happens before the report is published
    if rng.random() < 0.12 and deadline < today + dt.timedelta(days=60):  # extension history
        approved = rng.random() < 0.7
        x = _extension(t, deadline, deadline + dt.timedelta(days=rng.choice([30, 45, 60, 90])), approved, today)
        if x:
            pf.events.append(("extension", x.asked, x))
            t = x.decided
            if approved:
                deadline = x.new_deadline
    if deadline < today and good and keeps_extending and rng.random() < 0.15:
        # a well-run factory waiting for imported equipment: extension approved
        x = _extension(t, deadline, today + dt.timedelta(days=rng.randint(15, 150)), True, today)
        if x:
            pf.events.append(("extension", x.asked, x))
            t = x.decided
            deadline = x.new_deadline
    if deadline < today:  # due already: well-run factories have fixed it
        p_fixed = 1.0 if good else diligence ** 0.6
    else:  # not yet due: some early fixes
        p_fixed = diligence * 0.6 * (today - on).days / max(1, (deadline - on).days)
    if rng.random() >= p_fixed:
        return
    latest = min(today, max(on + dt.timedelta(days=11), deadline + dt.timedelta(days=20)))
    fixed_on = max(t, on + dt.timedelta(days=rng.randint(10, max(10, (latest - on).days))))
    if rng.random() < 0.06 and (today - fixed_on).days > 30:  # a first report the engineer did not accept
        rejected_on = fixed_on + dt.timedelta(days=rng.randint(3, 10))
        pf.events += [("report_fix", fixed_on, FIX_PENDING_NOTE), ("reject_fix", rejected_on, REJECTION_REASON)]
        fixed_on = rejected_on + dt.timedelta(days=rng.randint(5, 20))
    recent = (today - fixed_on).days < 45
    if recent and rng.random() < 0.6 and not (good and deadline < today):
        pf.events.append(("report_fix", fixed_on, FIX_PENDING_NOTE))
    else:
        pf.events.append(("report_fix", fixed_on, FIX_DONE_NOTE))
        pf.events.append(("verify_fix", min(today, fixed_on + dt.timedelta(days=rng.randint(5, 40)))))


def seed_demo(n_factories: int = 36, findings_per_factory: int = 75, seed: int = 1,
              today: dt.date | None = None, with_photos: bool = True, via_services: int = VIA_SERVICES) -> SeedReport:
    """Insert demo factories, owners, engineers, inspections, findings, actions and photos.

    Deterministic for a given ``seed`` and ``today``. The first ``via_services`` factories are written through
    the domain services (audited), the rest with bulk inserts of the same values.
    """
    from factorysafe.uploads import ingest_photo

    refuse_in_production()
    rng = random.Random(seed)
    today = today or dt.date.today()
    report = SeedReport()
    bind = db.session.get_bind()
    events_before = _event_count()

    # --- accounts ---------------------------------------------------------------------------
    hashes = {role: generate_password_hash(pw, method=PASSWORD_METHOD) for role, pw in DEMO_PASSWORDS.items()}
    uid = _next_id(User)
    users = [{"id": uid, "email": f"admin{seed}@demo.factorysafe.test" if seed != 1 else "admin@demo.factorysafe.test",
              "name": "Programme administrator", "role": Role.ADMIN.value, "password_hash": hashes["admin"],
              "session_token": new_session_token(), "is_demo": True}]
    n_eng = max(2, min(40, n_factories // 50 + 2))
    engineer_ids = []
    for i in range(n_eng):
        uid += 1
        engineer_ids.append(uid)
        users.append({"id": uid, "email": _demo_email("engineer", i + 1, seed), "name": f"Engineer {i + 1}",
                      "role": Role.ENGINEER.value, "password_hash": hashes["engineer"],
                      "session_token": new_session_token(), "is_demo": True})
    n_owners = max(1, math.ceil(n_factories / 2))
    owner_ids = []
    for i in range(n_owners):
        uid += 1
        owner_ids.append(uid)
        users.append({"id": uid, "email": _demo_email("owner", i + 1, seed), "name": f"Owner {i + 1}",
                      "role": Role.OWNER.value, "password_hash": hashes["owner"],
                      "session_token": new_session_token(), "is_demo": True})
    existing = set(db.session.scalars(sa.select(User.email).where(User.email.in_([u["email"] for u in users]))))
    if existing:
        raise ValueError(f"Demo accounts already exist ({sorted(existing)[0]}, ...): use another --seed or --reset.")
    writer = _Writer()
    writer.add_rows(User, users)
    writer.flush()
    forget_demo_accounts()  # pages show the "Demo data" banner from now on
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

    # --- plan every factory's story ------------------------------------------------------------
    weights = [c[6] for c in CLUSTERS]
    by_disc = _texts_by_discipline()
    disc_names = list(DISCIPLINE_WEIGHTS)
    disc_cum = list(itertools.accumulate(DISCIPLINE_WEIGHTS.values()))  # what rng.choices(..., weights) computes
    prefixes = {d: Discipline(d).prefix for d in disc_names}
    requalify_months = int(current_app.config.get("REQUALIFY_MONTHS", 18))
    fid = _next_id(Factory)
    by_services: list[PlannedFactory] = []  # their photo rows are written last, as the services' own
    chunk: list[PlannedFactory] = []
    ids: list[int] = []  # next inspection, finding, action, extension id of the bulk rows (after the services')
    filled_cache: dict = {}
    names_used: set[str] = set()
    n_inspections = n_findings = n_photos = 0
    for n in range(n_factories):
        div, dist, upa, lat, lon, spread, _w = rng.choices(CLUSTERS, weights)[0]
        first, second = rng.choice(NAME_A), rng.choice(NAME_B)
        name, name_bn = demo_names(first, second)
        if name in names_used:
            name, name_bn = demo_names(first, second, unit=n + 1)
        names_used.add(name)
        storeys = rng.choice([3, 4, 5, 6, 6, 7, 8, 9, 10])
        initial_on = today - dt.timedelta(days=rng.randint(30, 1100))
        cap_agreed = None if rng.random() < 0.08 else initial_on + dt.timedelta(days=rng.randint(14, 60))
        if cap_agreed and cap_agreed > today:
            cap_agreed = None
        f = {"id": fid, "name": name, "name_bn": name_bn, "registration_no": demo_registration_no(fid, dist),
             "address": f"Plot {rng.randint(1, 400)}, Road {rng.randint(1, 30)}, {upa}",
             "division": div, "district": dist, "upazila": upa,
             "latitude": round(lat + rng.uniform(-spread, spread), 6),
             "longitude": round(lon + rng.uniform(-spread, spread), 6),
             "storeys": storeys, "shared_building": rng.random() < 0.25, "workers": rng.randint(150, 9000),
             "brands_count": rng.randint(1, 12), "safety_committee_trained": rng.random() < 0.6,
             "cap_agreed_on": cap_agreed, "escalation_stage": 0, "version": 1}
        f["search_text"] = factory_search_text(*(f[k] for k in Factory.SEARCH_FIELDS))  # bulk rows skip the ORM
        fp = PlannedFactory(f, owner_ids[n % n_owners], rng.choice(engineer_ids))
        # how far along this factory is: 0 stalled .. 1 done
        diligence = rng.betavariate(2.5, 1.0)
        good = diligence > 0.8  # fixes everything that is due
        keeps_extending = rng.random() < 0.5
        n_find = max(3, int(rng.gauss(findings_per_factory, findings_per_factory * 0.3)))
        plan = [(InspectionType.INITIAL, initial_on, n_find, InspectionState.PUBLISHED)]
        if (today - initial_on).days > 180 and rng.random() < 0.7:
            fu_on = initial_on + dt.timedelta(days=rng.randint(120, (today - initial_on).days - 30))
            plan.append((InspectionType.FOLLOW_UP, fu_on, rng.randint(1, max(2, n_find // 10)), InspectionState.PUBLISHED))
        if rng.random() < 0.1:
            plan.append((InspectionType.FOLLOW_UP, today - dt.timedelta(days=rng.randint(0, 20)), rng.randint(1, 4),
                         rng.choice([InspectionState.DRAFT, InspectionState.SUBMITTED])))
        for itype, on, count, state in plan:
            pi = PlannedInspection(itype, on, state)
            fp.inspections.append(pi)
            seq = {d: 0 for d in disc_names}
            published_on = pi.published_at.date() if pi.published_at else None
            floors = FLOORS[: storeys] + ["roof"]
            for _ in range(count):
                disc = rng.choices(disc_names, cum_weights=disc_cum)[0]
                code = rng.choice(by_disc[disc])
                seq[disc] += 1
                floor, area = rng.choice(floors), rng.choice(AREAS)
                pf = _plan_finding(rng, code, on, floor, area, f"{prefixes[disc]}-{seq[disc]}", filled_cache)
                pi.findings.append(pf)
                if pf.values["immediate_danger"] and fp.evacuation is None and state == InspectionState.PUBLISHED:
                    fp.evacuation = (pf, on, floor)
                if state == InspectionState.PUBLISHED and cap_agreed:
                    _plan_action(rng, pf, on, published_on, today, good, diligence, keeps_extending)
                if pool and rng.random() < 0.35:
                    pf.photo = (rng.choice(pool), rng.random() < 0.05)
        if fp.evacuation:
            pf, d_on, d_floor = fp.evacuation
            resumed = d_on + dt.timedelta(days=rng.randint(20, 120)) if rng.random() < 0.7 else None
            fp.evacuation = (pf, d_on, d_floor, rng.randint(100, f["workers"]),
                             resumed if resumed and resumed < today else None)
        if cap_agreed and diligence < 0.25 and (today - initial_on).days > 300:
            stage = rng.choice([1, 1, 2, 2, 3])
            notes = ["", "Notice letter sent.", "Mandatory meeting held.", "Terminated: no progress after meeting."]
            fp.escalations = [(s, min(initial_on + dt.timedelta(days=200 + 60 * s), today), notes[s])
                              for s in range(1, stage + 1)]
        chunk.append(fp)
        n_inspections += len(fp.inspections)
        n_findings += sum(len(pi.findings) for pi in fp.inspections)
        fid += 1
        if len(chunk) == CHUNK_FACTORIES or n == n_factories - 1:
            # --- write this chunk: factories first, the services' share, then the bulk; then forget it ----
            services_here = chunk[:max(0, min(via_services - n + len(chunk) - 1, len(chunk)))]
            bulk = chunk[len(services_here):]
            for fp in bulk:
                _apply_escalations(fp, requalify_months)
            writer.add_rows(Factory, [fp.row for fp in chunk])
            writer.add_rows(factory_owners, [{"factory_id": fp.row["id"], "user_id": fp.owner_id} for fp in chunk])
            writer.flush()
            for fp in services_here:
                _write_via_services(fp, today)
            by_services += services_here
            if bulk:
                if not ids:  # the bulk rows' explicit ids follow the rows the services wrote
                    db.session.flush()
                    ids = [_next_id(m) for m in (Inspection, Finding, CorrectiveAction, DeadlineExtension)]
                ids = _write_bulk(writer, bulk, disc_names, ids)
                n_photos += writer.add_rows(Photo, _photo_rows(bulk))
                writer.flush()
            chunk = []
    n_photos += writer.add_rows(Photo, _photo_rows(by_services))
    writer.flush()
    if bind.dialect.name == "postgresql":
        for table in ("users", "factories", "inspections", "findings", "corrective_actions", "photos",
                      "deadline_extensions", "escalations", "evacuations"):
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"))
    report.complaints, report.complaint_receipt = seed_complaints(
        random.Random(seed * 7919 + 13), list(range(fid - n_factories, fid)), engineer_ids[0], today)
    seed_follow_ups(list(range(fid - n_factories, fid)), engineer_ids, users[0]["id"])
    # events_written: the events this seeding wrote just before this one (one transaction, and appends are
    # serialised by the chain lock, so they are consecutive): ``reset_database`` may erase exactly those.
    audit.record("seed_demo", subject_type="database", note=f"seed={seed} factories={n_factories}",
                 after={"factories": n_factories, "findings": n_findings,
                        "events_written": _event_count() - events_before})
    report.factories, report.findings, report.photos = n_factories, n_findings, n_photos
    report.inspections = n_inspections
    return report


# --- workers' complaints: written through complaints.services (receipts hashed, audit events written) -------------
# (category, description, language): what workers write; the register never shows it, handlers read it.
COMPLAINT_TEXTS = [
    ("locked_gate", "রাতের শিফটে নিচের গেট তালা দেওয়া থাকে, চাবি গার্ডের কাছে।", "bn"),
    ("blocked_exit", "তিন তলার সিঁড়ির মুখে কার্টন রাখা, বের হওয়া যায় না।", "bn"),
    ("fire_smoke", "কাটিং সেকশনে প্রায়ই পোড়া গন্ধ আর ধোঁয়া আসে।", "bn"),
    ("cracks", "দোতলার কলামে নতুন ফাটল দেখা যাচ্ছে, দিন দিন বড় হচ্ছে।", "bn"),
    ("wiring", "সুইং লাইনের উপরে খোলা তার, মাঝে মাঝে স্পার্ক হয়।", "bn"),
    ("boiler", "Boiler room door left open and the pressure gauge is broken.", "en"),
    ("no_fire_drill", "এক বছরে কোনো অগ্নি মহড়া হয়নি।", "bn"),
    ("retaliation", "নিরাপত্তা কমিটিতে অভিযোগ করার পর সুপারভাইজার হুমকি দিচ্ছে।", "bn"),
    ("wages", "দুই মাসের ওভারটাইমের টাকা দেয়নি।", "bn"),
    ("harassment", "Line chief shouts at and insults the women operators.", "en"),
    ("other", "খাবার পানির ব্যবস্থা নেই।", "bn"),
]
COMPLAINT_WEIGHTS = [9, 9, 6, 5, 7, 2, 4, 3, 5, 3, 2]
# What the public register reads when a complaint is closed: (status, outcome, referred to), per language.
COMPLAINT_OUTCOMES = {
    "resolved": {"bn": "প্রকৌশলীরা পরিদর্শন করেছেন; সমস্যাটি সংশোধনমূলক কর্মপরিকল্পনায় যুক্ত হয়েছে এবং ঠিক করা হয়েছে।",
                 "en": "Engineers inspected; the problem was added to the corrective action plan and fixed."},
    "not_processed": {"bn": "যথেষ্ট তথ্য নেই, আর শ্রমিকের কাছ থেকে উত্তর পাওয়া যায়নি।",
                      "en": "Not enough information to act on, and the worker did not answer our question."},
    "non_safety": {"bn": "এটি নিরাপত্তার বিষয় নয়; শ্রম অধিকার সংস্থার কাছে পাঠানো হয়েছে।",
                   "en": "Not a safety matter: referred to the labour rights organisation."},
    "not_covered": {"bn": "কারখানাটি কর্মসূচির আওতায় নেই; কলকারখানা পরিদর্শন অধিদপ্তরে পাঠানো হয়েছে।",
                    "en": "The factory is not covered by the programme: referred to the labour inspectorate."},
}
REFERRED_TO = {"non_safety": "Workers' rights helpline", "not_covered": "DIFE (Department of Inspection for Factories)"}


def seed_complaints(rng: random.Random, factory_ids: list[int], handler_id: int, today: dt.date) -> tuple[int, str]:
    """Workers' complaints over the last eleven months, written through ``complaints.services``: every status,
    some factories named and some withheld, a few with no factory of the register, a few by SMS, one resolution
    disputed (reopened). Returns (how many, the receipt code of one that is still open)."""
    from factorysafe.complaints import rules as complaint_rules, services as complaint_services

    if not factory_ids:
        return 0, ""
    handler = db.session.get(User, handler_id)
    factories = {f.id: f for f in db.session.scalars(sa.select(Factory).where(Factory.id.in_(factory_ids)))}
    n = max(8, min(48, len(factory_ids)))
    sample, disputed = "", False
    for k in range(n):
        category, text, lang = rng.choices(COMPLAINT_TEXTS, COMPLAINT_WEIGHTS)[0]
        received = today - dt.timedelta(days=rng.randint(0, 330) if k else 2)
        factory = factories[rng.choice(factory_ids)] if rng.random() > 0.1 else None
        sms = rng.random() < 0.2
        sender = (complaint_rules.phone_digest(f"01{rng.randint(300000000, 999999999)}",
                                               complaint_services.sender_key()) if sms else None)
        complaint, code = complaint_services.submit(
            category=category, description=text, today=received, factory=factory,
            factory_text="" if factory else "Unit behind the bus stand, Ashulia",
            show_factory=factory is not None and rng.random() < 0.55, lang=lang,
            channel="sms" if sms else "web", sender_hash=sender)
        age = (today - received).days
        if age < 10:
            sample = sample or complaint_rules.format_receipt(code)
            continue
        if factory is None:
            target = "not_covered"
        elif category in ("wages", "harassment", "other"):
            target = "non_safety"
        else:
            target = rng.choices(["under_review", "resolved", "not_processed"], [3, 6, 1])[0]
        if target == "under_review" or rng.random() < 0.3:
            complaint_services.ask_worker(complaint, "কোন তলায়, কোন সেকশনে? কখন দেখেছেন?" if lang == "bn"
                                          else "Which floor and section? When did you see it?", by=handler)
        if target == "under_review":  # the question put it under review
            continue
        closed_on = received + dt.timedelta(days=rng.randint(3, min(age - 1, 60)))
        complaint_services.set_status(complaint, target, outcome=COMPLAINT_OUTCOMES[target][lang],
                                      referred_to=REFERRED_TO.get(target, ""), by=handler,
                                      version=complaint.version, today=closed_on)
        if target == "resolved" and (today - closed_on).days > 2 and rng.random() < 0.6:
            verdict = "disputed" if not disputed else rng.choice(["confirmed", "confirmed", "confirmed", "disputed"])
            disputed = True
            complaint_services.worker_verdict(complaint, verdict, today=closed_on + dt.timedelta(days=2))
    db.session.flush()
    return n, sample


#: Demo factories whose follow-up engineer is chosen through ``followups.services.assign`` (the others keep the
#: default: the lead engineer of their latest inspection).
FOLLOW_UP_ASSIGNED = 40


def seed_follow_ups(factory_ids: list[int], engineer_ids: list[int], admin_id: int) -> int:
    """Follow-up engineers for the first demo factories, through ``followups.services.assign`` (audited): the first
    engineer gets every other one, so their calendar is never empty; every tenth is left unassigned on purpose."""
    from factorysafe.followups import services as follow_up_services

    admin = db.session.get(User, admin_id)
    engineers = [db.session.get(User, i) for i in engineer_ids]
    for n, factory_id in enumerate(factory_ids[:FOLLOW_UP_ASSIGNED]):
        engineer = None if n % 10 == 9 else engineers[0] if n % 2 == 0 else engineers[1 + n // 2 % (len(engineers) - 1)]
        follow_up_services.assign(db.session.get(Factory, factory_id), engineer, by=admin, version=0)
    return min(len(factory_ids), FOLLOW_UP_ASSIGNED)


def _apply_escalations(fp: PlannedFactory, requalify_months: int) -> list[dict]:
    """The factory row and escalation rows ``actions.services.apply_escalation`` leaves behind."""
    rows = []
    for stage, applied_on, note in fp.escalations:
        requalify_on = None
        if stage == 3:
            requalify_on = add_months(applied_on, requalify_months)
            fp.row.update(ineligible_since=applied_on, requalify_on=requalify_on)
        fp.row["escalation_stage"] = stage
        rows.append({"factory_id": fp.row["id"], "stage": stage, "applied_on": applied_on,
                     "applied_by_id": fp.engineer_id, "note": note, "requalify_on": requalify_on})
    fp.escalation_rows = rows
    return rows


INSPECTION_COLUMNS = ("id", "factory_id", "type", "inspected_on", "disciplines", "state", "created_by_id", "summary",
                      "version", "submitted_at", "published_at")
FINDING_COLUMNS = ("id", "inspection_id", "factory_id", "discipline", "item_number", "hazard_code", "floor", "area",
                   "observation", "recommendation", "severity", "immediate_danger", "origin", "version",
                   "severity_override_reason", "deadline_override_reason")
ACTION_COLUMNS = ("id", "finding_id", "factory_id", "deadline", "original_deadline", "status", "version",
                  "planned_action", "responsible_person", "fix_note", "rejection_reason", "reported_fixed_on",
                  "verified_on", "verified_by_id")
EXTENSION_COLUMNS = ("id", "action_id", "requested_by_id", "requested_at", "reason", "previous_deadline",
                     "requested_deadline", "status", "decided_by_id", "decided_at", "decision_comment")


def _write_bulk(writer: _Writer, plans: list[PlannedFactory], disc_names: list[str], ids: list[int]) -> list[int]:
    """Bulk rows for the planned factories (the values the services would store for the same events), handed to
    ``writer`` as plain tuples; returns the next free inspection, finding, action and extension ids."""
    iid, fnid, aid, xid = ids
    disciplines = ",".join(disc_names)
    in_progress, pending, corrected = (s.value for s in (ActionStatus.IN_PROGRESS, ActionStatus.PENDING_VERIFICATION,
                                                          ActionStatus.CORRECTED))
    inspections, eng_links, findings, actions, extensions, evacuations = ([] for _ in range(6))
    for fp in plans:
        fid, engineer_id = fp.row["id"], fp.engineer_id
        for pi in fp.inspections:
            pi.id = iid
            inspections.append((iid, fid, pi.type.value, pi.on, disciplines, pi.state.value, engineer_id, "", 1,
                                pi.submitted_at, pi.published_at))
            eng_links.append((iid, engineer_id))
            origin = (FindingOrigin.INITIAL if pi.type == InspectionType.INITIAL else FindingOrigin.NEW).value
            for pf in pi.findings:
                pf.id = fnid
                v, filled = pf.values, pf.filled
                findings.append((fnid, iid, fid, filled["discipline"].value, pf.item_number, v["hazard_code"],
                                 v["floor"], v["area"], v["observation"], v["recommendation"],
                                 filled["severity"].value, v["immediate_danger"], origin, 1,
                                 filled["severity_override_reason"], filled["deadline_override_reason"]))
                deadline = original = filled["deadline"]
                status, fix_note, rejection, reported_on, verified_on, verified_by = in_progress, "", "", None, None, None
                planned, responsible = pf.plan or ("", "")
                for verb, on, *rest in pf.events:
                    if verb == "extension":
                        x = rest[0]
                        extensions.append(_extension_row(xid, aid, fp, deadline, x))
                        xid += 1
                        if x.approved:
                            deadline = x.new_deadline
                    elif verb == "report_fix":
                        status, reported_on, fix_note = pending, on, rest[0]
                    elif verb == "reject_fix":
                        status, rejection = in_progress, rest[0]
                    elif verb == "verify_fix":
                        status, verified_on, verified_by, rejection = corrected, on, engineer_id, ""
                actions.append((aid, fnid, fid, deadline, original, status, 1, planned, responsible, fix_note,
                                rejection, reported_on, verified_on, verified_by))
                fnid += 1
                aid += 1
            iid += 1
        if fp.evacuation:
            pf, ordered_on, floors, workers, resumed_on = fp.evacuation
            evacuations.append({"factory_id": fid, "finding_id": pf.id, "ordered_on": ordered_on, "floors": floors,
                                "workers_affected": workers, "note": "", "resumed_on": resumed_on,
                                "ordered_by_id": engineer_id})
    writer.add(Inspection, INSPECTION_COLUMNS, inspections)
    writer.add(inspection_engineers, ("inspection_id", "user_id"), eng_links)
    _write_reviews(writer, plans)
    writer.add(Finding, FINDING_COLUMNS, findings)
    writer.add(CorrectiveAction, ACTION_COLUMNS, actions)
    writer.add(DeadlineExtension, EXTENSION_COLUMNS, extensions)
    writer.add_rows(Escalation, [row for fp in plans for row in fp.escalation_rows])
    writer.add_rows(Evacuation, evacuations)
    return [iid, fnid, aid, xid]


def _extension_row(xid: int, action_id: int, fp: PlannedFactory, previous: dt.date, x: Extension) -> tuple:
    """A decided extension, in ``EXTENSION_COLUMNS`` order."""
    return (xid, action_id, fp.owner_id, dt.datetime.combine(x.asked, dt.time(10)), EXTENSION_REASON, previous,
            x.new_deadline, (ExtensionStatus.APPROVED if x.approved else ExtensionStatus.DECLINED).value,
            fp.engineer_id, dt.datetime.combine(x.decided, dt.time(15)),
            APPROVED_COMMENT if x.approved else DECLINED_COMMENT)


def _photo_rows(plans: list[PlannedFactory]) -> list[dict]:
    rows = []
    for fp in plans:
        for pi in fp.inspections:
            for pf in pi.findings:
                if pf.photo:
                    (sha, ext, ctype, w, h, size), private = pf.photo
                    rows.append({"sha256": sha, "original_ext": ext, "content_type": ctype, "width": w, "height": h,
                                 "size_bytes": size, "finding_id": pf.id, "uploaded_by_id": fp.engineer_id,
                                 "private": private, "caption": pf.item_number})
    return rows


def _write_via_services(fp: PlannedFactory, today: dt.date) -> None:
    """Replay one factory's story through the domain operations: each checks its rules and writes the audit trail.

    The services stamp the time of the call; the demo then dates the history (submitted, published,
    extension asked and decided) to the planned day, as it would have happened.
    """
    from factorysafe.actions import services as actions
    from factorysafe.hazards.services import order_evacuation, record_resumption
    from factorysafe.inspections import services as inspections

    factory = db.session.get(Factory, fp.row["id"])
    engineer, owner = db.session.get(User, fp.engineer_id), db.session.get(User, fp.owner_id)
    for pi in fp.inspections:
        inspection = inspections.create_inspection(
            factory, {"type": pi.type.value, "inspected_on": pi.on, "disciplines": list(DISCIPLINE_WEIGHTS),
                      "summary": ""}, by=engineer)
        pi.id = inspection.id
        written = []
        for pf in pi.findings:
            finding = inspections.add_finding(inspection, pf.values, by=engineer, deadline_override=pf.deadline_override,
                                              deadline_override_reason=pf.deadline_override_reason)
            if finding.item_number != pf.item_number:
                raise AssertionError(f"item number {finding.item_number} != planned {pf.item_number}")
            pf.id = finding.id
            written.append(finding)
        if pi.state != InspectionState.DRAFT:
            inspections.submit_inspection(inspection, by=engineer, version=inspection.version)
            inspection.submitted_at = pi.submitted_at
        if pi.state == InspectionState.PUBLISHED:
            _approve_via_service(inspection, fp.engineer_id)
            inspections.publish_inspection(inspection, by=engineer, version=inspection.version)
            inspection.published_at = pi.published_at
        for pf, finding in zip(pi.findings, written):
            action = finding.action
            if pf.plan:
                actions.update_plan(action, *pf.plan, None, by=owner, version=action.version)
            for verb, on, *rest in pf.events:
                if verb == "extension":
                    x = rest[0]
                    ext = actions.request_extension(action, x.new_deadline, EXTENSION_REASON, by=owner,
                                                   version=action.version)
                    ext.requested_at = dt.datetime.combine(x.asked, dt.time(10))
                    actions.decide_extension(ext, x.approved, APPROVED_COMMENT if x.approved else DECLINED_COMMENT,
                                             by=engineer, version=action.version)
                    ext.decided_at = dt.datetime.combine(x.decided, dt.time(15))
                elif verb == "report_fix":
                    actions.report_fix(action, rest[0], by=owner, today=on, version=action.version)
                elif verb == "reject_fix":
                    actions.reject_fix(action, rest[0], by=engineer, version=action.version)
                elif verb == "verify_fix":
                    actions.verify_fix(action, by=engineer, verified_on=on, today=today, version=action.version)
    if fp.evacuation:
        pf, ordered_on, floors, workers, resumed_on = fp.evacuation
        finding = db.session.get(Finding, pf.id)
        evacuation = order_evacuation(factory, finding, floors, ordered_on, workers, by=engineer,
                                      version=finding.version)
        if resumed_on:
            db.session.flush()
            record_resumption(evacuation, resumed_on, workers, by=engineer, version=evacuation.version)
    for stage, applied_on, note in fp.escalations:
        actions.apply_escalation(factory, stage, note, by=engineer, today=applied_on, version=factory.version)
    db.session.flush()


# --- the second pair of eyes: every published demo inspection was approved by another engineer ---------------
REVIEW_COMMENT = "Checked the findings, deadlines and photos: ready for publication."


def _reviewers() -> dict[int, int]:
    """{engineer id: the demo engineer who reviews their inspections}: the next engineer by id (the first for the
    last), never the author; deterministic, and without drawing from the story's random numbers. One query."""
    ids = db.session.scalars(sa.select(User.id).where(User.role == Role.ENGINEER).order_by(User.id)).all()
    return {e: ids[(n + 1) % len(ids)] for n, e in enumerate(ids)} if len(ids) > 1 else {}


def _approve_via_service(inspection, engineer_id: int) -> None:
    from factorysafe.inspections.services import review_inspection

    reviewer = db.session.get(User, _reviewers()[engineer_id])
    review_inspection(inspection, "approve", REVIEW_COMMENT, by=reviewer, version=inspection.version)


def _write_reviews(writer, plans) -> None:
    """The approvals ``_approve_via_service`` writes, as bulk rows, for the published inspections of ``plans``."""
    from factorysafe.inspections.models import InspectionReview

    reviewers = _reviewers()
    writer.add_rows(InspectionReview, [
        {"inspection_id": pi.id, "reviewer_id": reviewers[fp.engineer_id], "decision": "approve",
         "comment": REVIEW_COMMENT, "superseded": False}
        for fp in plans for pi in fp.inspections if pi.state == InspectionState.PUBLISHED])


def _demo_email(role: str, i: int, seed: int) -> str:
    suffix = "" if seed == 1 else f".s{seed}"
    return f"{role}{i}{suffix}@demo.factorysafe.test"


# Bulk rows are written per chunk of this many factories, then forgotten: memory stays flat at any size.
CHUNK_FACTORIES = 250
# Columns stamped with the time of writing when a row does not give them (their model default is "now").
WRITE_TIMES = ("created_at", "updated_at", "uploaded_at", "requested_at")


class _Writer:
    """Plain rows, buffered per table and written in the order they were added, then freed.

    PostgreSQL with psycopg 3: ``COPY … FROM STDIN``; other databases: one executemany of tuples per table
    (the statement built once). No ORM objects. Values go through each column type's own bind processor, so
    what is stored is what an ORM or Core insert of the same values stores. A column a row does not give gets
    its model's scalar default (the time of writing for ``WRITE_TIMES``), or is left to the database
    (autoincrement ids, NULL).
    """

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.buffers: dict[tuple, list[tuple]] = {}
        self._plans: dict[tuple, tuple] = {}

    def add(self, target, columns: tuple[str, ...], rows: list[tuple]) -> int:
        """Rows as tuples in ``columns`` order."""
        table = target.__table__ if hasattr(target, "__table__") else target
        self.buffers.setdefault((table, columns), []).extend(rows)
        return len(rows)

    def add_rows(self, target, rows: list[dict]) -> int:
        """Rows as dicts; a key some rows lack takes the column's scalar default in them."""
        if not rows:
            return 0
        table = target.__table__ if hasattr(target, "__table__") else target
        keys = set().union(*(r.keys() for r in rows))
        columns = tuple(c.name for c in table.columns if c.name in keys)
        defaults = {c.name: _scalar_default(c) for c in table.columns}
        return self.add(table, columns, [tuple(r.get(k, defaults[k]) for k in columns) for r in rows])

    def _plan(self, dialect, table, columns: tuple[str, ...]) -> tuple:
        """(all columns written, constant values appended to each row, [(index, bind processor)], statement)."""
        key = (table, columns)
        if key not in self._plans:
            extra = [(c.name, self.now if c.name in WRITE_TIMES else _scalar_default(c)) for c in table.columns
                     if c.name not in columns and (c.name in WRITE_TIMES or _scalar_default(c) is not None)]
            names = columns + tuple(n for n, _ in extra)
            processors = [(i, p, isinstance(table.c[n].type, MEMO_TYPES)) for i, n in enumerate(names)
                          if (p := table.c[n].type._cached_bind_processor(dialect)) is not None]
            quote = dialect.identifier_preparer.quote
            target = f"{dialect.identifier_preparer.format_table(table)} ({', '.join(quote(n) for n in names)})"
            if dialect.name == "postgresql" and dialect.driver == "psycopg":
                statement = f"COPY {target} FROM STDIN"
            elif dialect.paramstyle == "qmark":
                statement = f"INSERT INTO {target} VALUES ({', '.join('?' * len(names))})"
            else:
                statement = sa.insert(table)
            self._plans[key] = (names, tuple(v for _, v in extra), processors, statement)
        return self._plans[key]

    def flush(self) -> None:
        conn = db.session.connection()
        dialect = conn.dialect
        for (table, columns), rows in self.buffers.items():
            if not rows:
                continue
            names, extra, processors, statement = self._plan(dialect, table, columns)
            if extra:
                rows = [r + extra for r in rows]
            if processors:
                rows = _processed(rows, processors)
            if isinstance(statement, str) and statement.startswith("COPY"):
                with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
                    for r in rows:
                        copy.write_row(r)
            elif isinstance(statement, str):
                conn.exec_driver_sql(statement, rows)
            else:  # any other database: Core insert, executemany of plain dicts
                conn.execute(statement, [dict(zip(names, r)) for r in rows])
        self.buffers = {}


# Types with few distinct values in the demo (days, timestamps, flags, states): each value is processed once.
MEMO_TYPES = (sa.Date, sa.DateTime, sa.Boolean, sa.Enum)


def _processed(rows: list[tuple], processors: list) -> list[tuple]:
    """``rows`` with each column's bind processor applied, column by column (None stays None)."""
    columns = list(zip(*rows))
    for i, process, few in processors:
        values = columns[i]
        if few:
            done = {v: None if v is None else process(v) for v in set(values)}
            columns[i] = map(done.__getitem__, values)
        else:
            columns[i] = [None if v is None else process(v) for v in values]
    return list(zip(*columns))


def _scalar_default(column: sa.Column):
    d = column.default
    return d.arg if d is not None and d.is_scalar else None


class ResetRefused(ValueError):
    """``seed-demo --reset`` would erase audit events the demo seeding did not write."""


def _event_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(audit.AuditEvent.id))) or 0


def events_not_from_seeding() -> int:
    """How many audit events were not written by ``seed_demo`` (each ``seed_demo`` event accounts for itself
    and the ``events_written`` events before it; one from before that count was kept accounts for none)."""
    accounted = 0
    for after in db.session.scalars(sa.select(audit.AuditEvent.after).where(audit.AuditEvent.verb == "seed_demo")):
        written = json.loads(after or "{}").get("events_written")
        if isinstance(written, int) and written >= 0:
            accounted += written + 1
    return max(_event_count() - accounted, 0)


def reset_database(force: bool = False) -> None:
    """Delete every row (keeps the schema). Used by ``seed-demo --reset``.

    The audit trail is the record of what people did: it is erased only when every event in it was written
    by the demo seeding. Otherwise :class:`ResetRefused`, unless ``force``; a forced reset then starts the new
    chain with a ``reset_database`` event naming the head it erased, so the erasure is on record (and any
    head or checkpoint kept from before no longer verifies against the new chain)."""
    refuse_in_production()
    foreign = events_not_from_seeding()
    if foreign and not force:
        raise ResetRefused(
            f"The audit trail holds {foreign} event(s) not written by the demo seeding (real work, or an earlier "
            "forced reset). --reset would erase them: back up the database first, then add --force if you "
            "really mean to erase them.")
    count, head = audit.head()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    forget_demo_accounts()
    if foreign:
        audit.record("reset_database", subject_type="database",
                     note=f"seed-demo --reset --force erased every row and an audit chain of {count} event(s), "
                          f"{foreign} of them not written by the demo seeding; its head was {count}:{head}.",
                     before={"events": count, "head": f"{count}:{head}"})


class DemoRefused(ValueError):
    """Demo data is not written on a production deployment."""


def refuse_in_production() -> None:
    """Demo accounts have published passwords: a production deployment (``PRODUCTION``) gets none."""
    if current_app.config["PRODUCTION"]:
        raise DemoRefused("This is a production deployment (PRODUCTION is set): demo data and demo accounts, whose "
                          "passwords are published, are not written here. Unset FACTORYSAFE_PRODUCTION on a "
                          "test or training deployment.")
