"""The factory gate poster (A4 PDF): how to report danger at this factory, in Bangla and English on one page.

It carries the QR code of the factory's own report link (``/f/<code>``, an absolute URL from
``web.external_url``, so ``PUBLIC_BASE_URL`` when set), the factory's short code in large digits, the SMS number
and keyword (``SMS_NUMBER``; left out when empty) and a few words on reporting safely. The QR code is made by
``segno`` (an SVG, printed sharp at any size); the page by WeasyPrint with the Bangla font the reports use.

Rendered once per content (factory, link, SMS number, templates and translations): the file is kept under
``<instance>/reports/poster/<factory id>/<fingerprint>.pdf``, like the reports of ``reports.pdf``.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from typing import Callable

import segno
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from factorysafe.complaints import rules, sms
from factorysafe.i18n import bangla_digits
from factorysafe.reports.pdf import FONT_DIR, TRANSLATIONS_DIR, _write_atomic, reports_root
from factorysafe.state import state
from factorysafe.web import base_url, external_url

FORMAT_VERSION = "1"  # bump when the rendering changes in a way the templates do not show
TEMPLATES = ("complaints/poster.html", "complaints/_poster_half.html")
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
LANGS = ("bn", "en")  # Bangla first: the workers' language
QR_ERROR = "m"  # error correction level M (15 %): survives a scuffed or rained-on poster at a gate


def short_link(factory_id: int) -> str:
    """The absolute URL of the factory's report link ``/f/<code>`` (what the QR code holds)."""
    code = rules.factory_code(factory_id)
    if "complaints.factory_link" in current_app.view_functions:
        return external_url("complaints.factory_link", code=code)
    return base_url() + f"/f/{code}"  # the same path, before the report pages are registered


def qr_code(url: str) -> segno.QRCode:
    """The QR code of ``url`` (segno)."""
    return segno.make_qr(url, error=QR_ERROR)


def qr_svg_uri(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI: black modules on white with the quiet zone, no fixed size
    (the template sets it in millimetres)."""
    return qr_code(url).svg_data_uri(scale=1, border=4, dark="#000", light="#fff", omitsize=True)


@functools.lru_cache(maxsize=1)
def _templates_digest() -> str:
    h = hashlib.sha256(FORMAT_VERSION.encode())
    for name in TEMPLATES:
        h.update((TEMPLATE_DIR / name).read_bytes())
    for path in sorted(TRANSLATIONS_DIR.rglob("*.mo")):
        h.update(path.read_bytes())
    return h.hexdigest()


def poster_content(factory) -> dict:
    """Everything the poster prints (and its fingerprint is made of)."""
    code = rules.factory_code(factory.id)
    return {"factory_id": factory.id, "name": factory.name, "code": code, "url": short_link(factory.id),
            "sms_number": (current_app.config.get("SMS_NUMBER") or "").strip()}


def fingerprint(content: dict) -> str:
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((_templates_digest() + payload).encode()).hexdigest()


def render_poster(content: dict) -> bytes:
    """The poster's PDF: one half per language, rendered in that language, on one A4 page."""
    env = current_app.jinja_env
    halves, code_labels = [], []
    for lang in LANGS:
        with force_locale(lang):
            code_labels.append(_("Factory code"))
            halves.append(Markup(env.get_template(TEMPLATES[1]).render(
                c=content, lang=lang, keyword=sms.POSTER_KEYWORD[lang],
                code=bangla_digits(content["code"]) if lang == "bn" else content["code"])))
    html = env.get_template(TEMPLATES[0]).render(c=content, halves=halves, qr=qr_svg_uri(content["url"]),
                                                 code_bn=bangla_digits(content["code"]), code_labels=code_labels,
                                                 font_dir=FONT_DIR.as_uri())
    from weasyprint import HTML  # about 25 MB once imported: loaded by the first render, as in reports.pdf
    from weasyprint.text.fonts import FontConfiguration

    pdf = HTML(string=html, base_url=str(TEMPLATE_DIR) + "/").write_pdf(font_config=FontConfiguration())
    app_state = state()
    with app_state.pdf_lock:
        app_state.pdf_renders += 1
    return pdf


def cached_poster(factory, before_render: Callable[[], None] | None = None) -> tuple[Path, str]:
    """Path of the factory's poster (rendered now if its content changed) and its fingerprint.
    ``before_render()`` is called only when it must be rendered (it may refuse by raising)."""
    content = poster_content(factory)
    fp = fingerprint(content)
    folder = reports_root() / "poster" / str(factory.id)
    path = folder / f"{fp}.pdf"
    if not path.exists():
        if before_render is not None:
            before_render()
        _write_atomic(path, render_poster(content))
        for old in folder.glob("*.pdf"):
            if old != path:
                old.unlink(missing_ok=True)
    return path, fp

