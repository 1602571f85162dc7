"""The Content-Security-Policy as Chromium enforces it: inline code runs only with the request's nonce, style
attributes are refused, no page can be framed. (Every browser test fails on a CSP violation: see conftest's
``page`` and ``phone_page``; these tests show that the watch sees them.)"""
from __future__ import annotations

import pytest
from flask import render_template_string

from conftest import watch_csp

pytestmark = pytest.mark.browser

PROBE = """<!doctype html><html><head><title>probe</title>
<style nonce="{{ csp_nonce() }}">#nonced { color: rgb(0, 128, 0); }</style></head>
<body><p id="nonced">nonced</p><p id="attr" style="color: rgb(255, 0, 0)">attribute</p>
<script nonce="{{ csp_nonce() }}">document.body.dataset.nonced = "ran";</script>
<script>document.body.dataset.plain = "ran";</script>
<button id="handler" onclick="document.body.dataset.handler = 'ran'">click</button>
</body></html>"""


def test_only_inline_code_with_the_nonce_runs_and_the_watch_sees_the_rest(browser, live_server):
    live_server.app.add_url_rule("/csp-probe", "csp_probe", lambda: render_template_string(PROBE))
    context = browser.new_context()
    try:
        page = context.new_page()
        violations = watch_csp(page)
        page.goto(live_server.url + "/csp-probe")
        page.click("#handler")
        body = page.evaluate("() => ({...document.body.dataset})")
        assert body == {"nonced": "ran"}
        assert page.eval_on_selector("#nonced", "e => getComputedStyle(e).color") == "rgb(0, 128, 0)"
        assert page.eval_on_selector("#attr", "e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
        page.wait_for_timeout(200)
        assert len(violations) >= 3, violations  # the plain script, the style attribute, the onclick handler
        assert any("script-src" in v for v in violations) and any("style-src" in v for v in violations)
    finally:
        context.close()


def test_no_page_can_be_framed_by_another_site(browser, live_server, live_build):
    factory = live_build.factory()
    context = browser.new_context()
    try:
        page = context.new_page()
        violations = watch_csp(page)
        page.set_content(f'<iframe id="f" src="{live_server.url}/factories/{factory.id}"></iframe>'
                         f'<iframe id="g" src="{live_server.url}/login"></iframe>')
        page.wait_for_timeout(1000)
        framed = [f for f in page.frames if f != page.main_frame]
        assert len(framed) == 2
        for frame in framed:
            assert frame.evaluate("() => document.body ? document.body.innerText : ''").find("factorysafe") == -1
        assert sum("frame-ancestors" in v for v in violations) == 2, violations
    finally:
        context.close()
