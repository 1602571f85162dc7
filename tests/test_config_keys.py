"""Every setting the package reads has its default in ``config.Defaults`` (the one place defaults live)."""
from __future__ import annotations

import re
from pathlib import Path

from factorysafe.config import Defaults

PACKAGE = Path(__file__).resolve().parents[1] / "factorysafe"
# config.get("X"...), config["X"], config.get('X') in Python and in templates (app.config, current_app.config, config)
READ = re.compile(r"""\bconfig(?:\.get\(\s*|\[\s*)(["'])([A-Z][A-Z0-9_]*)\1""")


def config_reads() -> dict[str, set[str]]:
    """{setting: files that read it} over the package's Python files and templates."""
    found: dict[str, set[str]] = {}
    for path in [*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.html")]:
        for m in READ.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(m.group(2), set()).add(str(path.relative_to(PACKAGE)))
    return found


def test_the_scan_finds_reads_in_code_and_templates():
    reads = config_reads()
    assert "maps/views.py" in reads["MAP_CACHE_SECONDS"]
    assert "templates/maps/factory.html" in reads["MAP_TILE_URL"]
    assert "hazards/blueprint.py" in reads["HAZARD_CATALOGUE_PATH"]
    assert len(reads) >= 25


def test_every_setting_read_in_the_package_has_a_default():
    missing = {key: sorted(files) for key, files in config_reads().items() if not hasattr(Defaults, key)}
    assert missing == {}


def test_the_settings_that_had_no_default_have_one_now():
    assert Defaults.MAP_CACHE_SECONDS == 60 and Defaults.HAZARD_CATALOGUE_PATH is None
    assert (Defaults.REPORT_PHOTO_PX, Defaults.REPORT_PHOTO_QUALITY) == (1000, 70)
    assert (Defaults.SMTP_STARTTLS, Defaults.SMTP_USER, Defaults.SMTP_PASSWORD) == (False, None, "")
