"""The hazard catalogue: loading and validating ``catalogue.toml``, and the rules built on it.

The catalogue is data (a versioned TOML file beside this module) so that engineers can
review it without reading code; it is loaded and validated once when the app starts
(``factorysafe.hazards`` calls :func:`install` from ``bp.record_once``), and a malformed
entry stops the app with a :class:`CatalogueError` naming the entry and the field.

Pure rules here take the start date as an argument and never read the clock:

- :func:`deadline_for_hazard` -- the deadline a finding of this hazard gets;
- :func:`defaults_for` -- severity, discipline, deadline rule, whether immediate danger is possible;
- :func:`apply_catalogue_defaults` -- fills a new finding's severity and deadline from its code
  and insists on a reason when the engineer overrides either (the reasons are kept on the finding).
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from factorysafe.actions.rules import apply_rule, deadline_for, validate_rule  # noqa: F401 - the one engine
from factorysafe.inspections.models import Discipline, Severity

DEFAULT_PATH = Path(__file__).with_name("catalogue.toml")

CODE_RE = re.compile(r"^[A-Z]+(?:-[A-Z0-9]+)+$")
TEXT_FIELDS = ("title_en", "title_bn", "description_en", "description_bn", "guidance_en", "guidance_bn")
REQUIRED = ("code", "discipline", "severity", "deadline", "immediate_danger_possible") + TEXT_FIELDS
KNOWN = set(REQUIRED) | {"keywords"}
PREFIX = {Discipline.FIRE: "FIRE", Discipline.ELECTRICAL: "ELEC", Discipline.STRUCTURAL: "STRUCT", Discipline.BOILER: "BOILER"}
BENGALI = re.compile(r"[\u0980-\u09FF]")


class CatalogueError(ValueError):
    """The catalogue file is malformed; the message names every bad entry and field."""


@dataclass(frozen=True)
class Hazard:
    code: str
    discipline: Discipline
    severity: Severity
    deadline_rule: str
    immediate_danger_possible: bool
    title_en: str
    title_bn: str
    description_en: str
    description_bn: str
    guidance_en: str
    guidance_bn: str
    keywords: tuple[tuple[str, float], ...] = field(default=(), repr=False)

    def title(self, lang: str = "en") -> str:
        return self.title_bn if str(lang).startswith("bn") else self.title_en

    def description(self, lang: str = "en") -> str:
        return self.description_bn if str(lang).startswith("bn") else self.description_en

    def guidance(self, lang: str = "en") -> str:
        return self.guidance_bn if str(lang).startswith("bn") else self.guidance_en

    def deadline_for(self, start: dt.date) -> dt.date:
        return apply_rule(self.deadline_rule, start)


@dataclass(frozen=True)
class Catalogue:
    version: int
    entries: tuple[Hazard, ...]
    source: str = ""

    def __post_init__(self):
        object.__setattr__(self, "_by_code", {h.code: h for h in self.entries})

    def get(self, code: str) -> Hazard | None:
        return self._by_code.get(code)

    def by_discipline(self) -> dict[Discipline, list[Hazard]]:
        out: dict[Discipline, list[Hazard]] = {d: [] for d in Discipline}
        for h in self.entries:
            out[h.discipline].append(h)
        return out


# Deadline rules ("immediate", "N days", "N weeks", "N months") are validated and applied by the one
# engine in ``actions.rules`` (``validate_rule``, ``apply_rule``).


# --- loading and validation -----------------------------------------------------------------------
def _parse_keywords(raw, where: str, errors: list[str]) -> tuple[tuple[str, float], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(k, str) and k.strip() for k in raw):
        errors.append(f"{where}: keywords must be a list of non-empty strings")
        return ()
    out = []
    for k in raw:
        phrase, sep, weight = k.rpartition(":")
        if sep and re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", weight):
            out.append((phrase.strip(), float(weight)))
        else:
            out.append((k.strip(), 1.0))
    return tuple(out)


def parse(text: str, source: str = "catalogue") -> Catalogue:
    """Parse and validate catalogue TOML text; raise :class:`CatalogueError` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"Hazard catalogue {source} is not valid TOML: {exc}") from exc
    errors: list[str] = []
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.append("version must be a positive integer at the top of the file")
    raw_entries = data.get("hazard")
    if not isinstance(raw_entries, list) or not raw_entries:
        errors.append("no [[hazard]] entries")
        raw_entries = []
    entries: list[Hazard] = []
    seen: set[str] = set()
    for i, raw in enumerate(raw_entries, start=1):
        code = raw.get("code")
        where = f"entry {i} ({code})" if isinstance(code, str) and code else f"entry {i}"
        missing = [f for f in REQUIRED if f not in raw]
        if missing:
            errors.append(f"{where}: missing field(s) {', '.join(missing)}")
            continue
        unknown = sorted(set(raw) - KNOWN)
        if unknown:
            errors.append(f"{where}: unknown field(s) {', '.join(unknown)}")
        bad = False
        if not isinstance(code, str) or not CODE_RE.match(code):
            errors.append(f"{where}: code {code!r} must be upper case words joined by hyphens, e.g. FIRE-EXIT-BLOCKED")
            bad = True
        elif code in seen:
            errors.append(f"{where}: duplicate code {code}")
            bad = True
        seen.add(code if isinstance(code, str) else "")
        try:
            discipline = Discipline(raw["discipline"])
        except ValueError:
            errors.append(f"{where}: unknown discipline {raw['discipline']!r} (one of {', '.join(d.value for d in Discipline)})")
            bad = True
        else:
            if isinstance(code, str) and not code.startswith(PREFIX[discipline] + "-"):
                errors.append(f"{where}: code of a {discipline.value} hazard must start with {PREFIX[discipline]}-")
                bad = True
        try:
            severity = Severity(raw["severity"])
        except ValueError:
            errors.append(f"{where}: bad severity {raw['severity']!r} (one of {', '.join(s.value for s in Severity)})")
            bad = True
        try:
            rule = validate_rule(raw["deadline"])
        except ValueError as exc:
            errors.append(f"{where}: bad deadline rule: {exc}")
            bad = True
        if not isinstance(raw["immediate_danger_possible"], bool):
            errors.append(f"{where}: immediate_danger_possible must be true or false")
            bad = True
        for f in TEXT_FIELDS:
            value = raw[f]
            if not isinstance(value, str) or not value.strip():
                errors.append(f"{where}: {f} must be non-empty text")
                bad = True
            elif f.endswith("_bn") and not BENGALI.search(value):
                errors.append(f"{where}: {f} must be written in Bangla")
                bad = True
        keywords = _parse_keywords(raw.get("keywords"), where, errors)
        if bad:
            continue
        entries.append(Hazard(
            code=code, discipline=discipline, severity=severity, deadline_rule=rule,
            immediate_danger_possible=raw["immediate_danger_possible"],
            **{f: raw[f].strip() for f in TEXT_FIELDS}, keywords=keywords,
        ))
    if errors:
        raise CatalogueError(f"Hazard catalogue {source} is invalid:\n  - " + "\n  - ".join(errors))
    return Catalogue(version=version, entries=tuple(entries), source=source)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogueError(f"Hazard catalogue {path} cannot be read: {exc}") from exc


def load(path: str | Path | None = None) -> Catalogue:
    path = Path(path or DEFAULT_PATH)
    return parse(_read(path), source=str(path))


def install(app, path: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue and make it ``app``'s (called once per app at start-up)."""
    from factorysafe.state import state

    state(app).catalogue = load(path)
    return state(app).catalogue


def current() -> Catalogue:
    """The current app's catalogue (needs an app context; outside one, call ``load()`` explicitly)."""
    from factorysafe.state import state

    catalogue = state().catalogue
    if catalogue is None:
        raise RuntimeError("this app has no hazard catalogue: the hazards blueprint is not registered")
    return catalogue


def title(code: str | None, lang: str = "en") -> str | None:
    """The catalogue title of a hazard code in ``lang`` ("en" or "bn"), or None for no code or one not in the
    catalogue (pages then show the code itself). The one lookup pages, the CAP page and the PDFs use."""
    entry = current().get(code) if code else None
    return entry.title(lang) if entry is not None else None


# --- rules built on the catalogue -----------------------------------------------------------------
class UnknownHazard(KeyError):
    pass


def _entry(code: str) -> Hazard:
    h = current().get(code)
    if h is None:
        raise UnknownHazard(code)
    return h


def defaults_for(code: str) -> dict:
    """{severity, discipline, deadline_rule, immediate_danger_possible} for a catalogue code."""
    h = _entry(code)
    return {"severity": h.severity, "discipline": h.discipline, "deadline_rule": h.deadline_rule,
            "immediate_danger_possible": h.immediate_danger_possible}


def deadline_for_hazard(code: str | None, start: dt.date, severity: Severity | str | None = None) -> dt.date:
    """Deadline for a finding of hazard ``code`` raised on ``start``.

    The catalogue's own rule applies when no severity is given or the severity is the
    catalogue's default; an overridden severity (or an unknown/no code) falls back to the
    programme's severity rule, ``actions.rules.deadline_for``.
    """
    h = current().get(code) if code else None
    if h is None and severity is None:
        raise UnknownHazard(code)
    if severity is None:
        severity = h.severity
    if h is None:
        return deadline_for(severity, start)
    return deadline_for(severity, start, catalogue_severity=h.severity, catalogue_rule=h.deadline_rule)


class CatalogueDefaultError(ValueError):
    """A finding's values disagree with the catalogue without a reason; ``field`` names the form field."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.message = message
        self.field = field


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def apply_catalogue_defaults(values: dict, start: dt.date) -> dict:
    """Fill a new finding's severity, discipline and deadline from its hazard code.

    ``values`` holds the form's data: ``hazard_code``, and optionally ``discipline``,
    ``severity``, ``deadline`` (a date; the corrective action's binding deadline),
    ``severity_override_reason`` and ``deadline_override_reason``. Blank severity or deadline
    means "use the catalogue". A severity or deadline that differs from the catalogue needs
    its reason, else :class:`CatalogueDefaultError` (a ValueError) with a readable message.
    Without a hazard code the severity rule alone sets a blank deadline. Returns a new dict.
    """
    from flask_babel import gettext as _  # messages for the finding form, in the reader's language

    from factorysafe.labels import label

    out = dict(values)
    code = (out.get("hazard_code") or "").strip() or None
    out["hazard_code"] = code
    if code is None:
        if not _blank(out.get("severity")):
            out["severity"] = Severity(out["severity"])
            if _blank(out.get("deadline")):
                out["deadline"] = deadline_for(out["severity"], start)
        return out
    h = current().get(code)
    if h is None:
        raise CatalogueDefaultError(_("%(code)s is not a code of the hazard catalogue.", code=code), "hazard_code")
    if _blank(out.get("discipline")):
        out["discipline"] = h.discipline
    elif Discipline(out["discipline"]) != h.discipline:
        raise CatalogueDefaultError(
            _("%(code)s is a %(hazard)s hazard; the finding's discipline is %(finding)s.", code=code,
              hazard=label(h.discipline).lower(), finding=label(Discipline(out["discipline"])).lower()),
            "hazard_code")
    else:
        out["discipline"] = Discipline(out["discipline"])
    if _blank(out.get("severity")):
        out["severity"] = h.severity
    else:
        out["severity"] = Severity(out["severity"])
        if out["severity"] != h.severity and _blank(out.get("severity_override_reason")):
            raise CatalogueDefaultError(
                _("The catalogue gives %(code)s the severity %(catalogue)s; say why this finding is %(given)s instead.",
                  code=code, catalogue=label(h.severity), given=label(out["severity"])), "severity_override_reason")
    expected = deadline_for_hazard(code, start, out["severity"])
    if _blank(out.get("deadline")):
        out["deadline"] = expected
    elif out["deadline"] != expected and _blank(out.get("deadline_override_reason")):
        raise CatalogueDefaultError(
            _("The deadline for %(code)s at this severity would be %(expected)s; say why it is %(given)s instead.",
              code=code, expected=expected.isoformat(), given=out["deadline"].isoformat()), "deadline_override_reason")
    for f in ("severity_override_reason", "deadline_override_reason"):
        out[f] = (out.get(f) or "").strip()
    return out
