"""The Bangla catalogue is complete: every string marked in the code and templates is in it, translated,
not fuzzy, with the same placeholders; and the compiled .mo matches the .po."""
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "factorysafe/translations/bn/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")


@pytest.fixture(scope="module")
def catalogue() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f)


def _ids(cat):
    return {m.id if isinstance(m.id, str) else m.id[0] for m in cat if m.id}


def test_no_untranslated_or_fuzzy_entry(catalogue):
    untranslated = [m.id for m in catalogue if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert untranslated == [] and fuzzy == []
    assert len(_ids(catalogue)) > 500


def test_placeholders_survive_translation(catalogue):
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalogue.check()]
    assert problems == []
    for m in catalogue:
        if m.id and "{limit}" in m.id:
            assert "{limit}" in m.string


def test_every_marked_string_is_in_the_catalogue(catalogue):
    """Extract like ``pybabel extract -F babel.cfg -k _l -k lazy_gettext``: a new string left out of the
    catalogue (or never translated) fails here instead of silently staying English."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    found = {msg if isinstance(msg, str) else msg[0]
             for _file, _line, msg, _comments, _ctx in extract_from_dir(str(ROOT), method_map, options_map,
                                                                        keywords=keywords)}
    assert found, "extraction found nothing: check babel.cfg"
    assert sorted(found - _ids(catalogue)) == []


def test_compiled_catalogue_matches_the_po(catalogue):
    """``make translations`` was run after the last edit of the .po (the app reads the .mo)."""
    assert MO.exists(), "run make translations"
    with MO.open("rb") as f:
        compiled = read_mo(f)
    want = {m.id: m.string for m in catalogue if m.id and isinstance(m.id, str)}
    got = {m.id: m.string for m in compiled if m.id and isinstance(m.id, str)}
    assert got == want
