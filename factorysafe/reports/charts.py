"""Progress over time: the share of initial findings verified, per discipline and month, as a small SVG.

Three layers, so the drawing is testable on its own:

* ``actions.queries.progress_history_rows`` - ONE grouped query (discipline, status, month reported fixed, month
  verified, first inspection month, count) over the initial findings of inspections in the reader's states;
* :func:`progress_history` - pure: cumulative counts per month turned into rates by ``actions.rules.progress_rate``
  (Pending verification weighs ``PROGRESS_PENDING_WEIGHT``, as in every progress figure). The last point is today
  and counts the actions by their status, exactly as ``actions.queries.summarise`` does, so the chart ends on the
  page's progress figure;
* :func:`progress_svg` - pure: a step line per discipline (and overall), axis labels, legend. Presentation
  attributes only (no ``<style>``, no ``style=``, no script), so it passes the Content-Security-Policy inline in a
  page and WeasyPrint draws it in the CAP PDF.
"""
from __future__ import annotations

import datetime as dt
from xml.sax.saxutils import escape, quoteattr

import sqlalchemy as sa

from factorysafe.actions.models import ActionStatus
from factorysafe.actions.rules import progress_percent, progress_rate
from factorysafe.inspections.models import Discipline

DISCIPLINES = [d.value for d in Discipline]
OVERALL = "overall"
#: Line colours (Okabe-Ito, told apart by colour-blind readers too) and dash patterns (told apart in black and white).
COLOURS = {"fire": "#d55e00", "electrical": "#0072b2", "structural": "#009e73", "boiler": "#b8468a",
           OVERALL: "#222222"}
DASHES = {"fire": "", "electrical": "7 3", "structural": "2 2", "boiler": "9 3 2 3", OVERALL: ""}
_CORRECTED, _PENDING = ActionStatus.CORRECTED.value, ActionStatus.PENDING_VERIFICATION.value


def month_index(day: dt.date) -> int:
    """``year * 12 + month - 1``: the month numbers of ``progress_history_rows``."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def progress_history(rows, today: dt.date, weight: float = 0.0, now: dict | None = None) -> dict:
    """Rates (0..1) at the end of each month from the first inspection's month to today's (at least two points).

    ``rows``: tuples (discipline, status, month reported fixed, month verified, first inspection month, count) of
    ``progress_history_rows``. At the end of month m an action counts as corrected when it is corrected now and
    was verified by then, as pending when its fix was reported by then and not yet verified. The last point (today)
    counts the actions by their status now, as the progress figure does; or, when given, ``now``
    ({discipline: (total, corrected, pending)}, e.g. from the status read model). Returns {"start": first month,
    "as_of": today ISO, "lines": {discipline or "overall": [rate per month]}}; a discipline without initial
    findings has no line. JSON-ready (the CAP PDF's fingerprint hashes it)."""
    this_month = month_index(today)
    per: dict[str, list] = {}
    start = this_month - 1
    for discipline, status, reported, verified, first, count in rows:
        per.setdefault(discipline, []).append((status, reported, verified, int(count)))
        if first is not None:
            start = min(start, int(first))
    months = range(start, this_month + 1)
    lines: dict[str, list] = {}
    overall = [[0, 0, 0] for _ in months]  # corrected, pending, total per month
    for d in DISCIPLINES:
        groups = per.get(d, [])
        present = bool(now.get(d) and now[d][0]) if now is not None else bool(groups)
        if not present:
            continue
        total = sum(g[3] for g in groups)
        rates = []
        for i, m in enumerate(months):
            if m == this_month and now is not None:
                total, corrected, pending = now[d]
            elif m == this_month:
                corrected = sum(n for s, _r, _v, n in groups if s == _CORRECTED)
                pending = sum(n for s, _r, _v, n in groups if s == _PENDING)
            elif not total:
                corrected = pending = 0
            else:
                corrected = sum(n for s, _r, v, n in groups if s == _CORRECTED and v is not None and v <= m)
                pending = sum(n for s, r, v, n in groups
                              if s in (_CORRECTED, _PENDING) and r is not None and r <= m
                              and not (s == _CORRECTED and v is not None and v <= m))
            rates.append(progress_rate(corrected, pending, total, weight) if total else 0.0)
            acc = overall[i]
            acc[0] += corrected
            acc[1] += pending
            acc[2] += total
        lines[d] = rates
    if lines:
        lines[OVERALL] = [progress_rate(c, p, t, weight) for c, p, t in overall]
    return {"start": start, "as_of": today.isoformat(), "lines": lines}


def last_percent(history: dict, key: str) -> int | None:
    """The whole percent of a line's last point (today), as the page prints it."""
    line = history["lines"].get(key)
    return progress_percent(line[-1]) if line else None


# --- drawing --------------------------------------------------------------------------------------------------
W = 360  # viewBox width: about one phone screen, so 11-unit text stays readable at 360 px
LEFT, RIGHT, TOP, PLOT_H = 42, 12, 22, 130
FONT = "11"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def progress_svg(history: dict, *, title: str, description: str, axis_title: str, labels: dict[str, str],
                 month_label=None, percent_text=None, no_data: str = "", element_id: str = "progress-chart") -> str:
    """The chart as an inline SVG document fragment (a string of XML). Pure: every word is given.

    ``labels``: legend label per discipline and "overall"; ``month_label(date)``: an x tick's text (default
    "2025-03"); ``percent_text(int)``: a y tick's or legend figure's text (default "50 %")."""
    month_label = month_label or (lambda d: d.strftime("%Y-%m"))
    percent_text = percent_text or (lambda n: f"{n} %")
    lines = history["lines"]
    keys = [k for k in [*DISCIPLINES, OVERALL] if k in lines]
    n = len(lines[keys[0]]) if keys else 2
    x0, x1, y0, y1 = LEFT, W - RIGHT, TOP, TOP + PLOT_H
    legend_rows = (len(keys) + 1) // 2
    height = y1 + 24 + legend_rows * 18 + 4
    tid, did = f"{element_id}-title", f"{element_id}-desc"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" id={quoteattr(element_id)} class="progress-chart" '
           f'viewBox="0 0 {W} {height}" width="100%" role="img" aria-labelledby="{tid} {did}" '
           f'font-size="{FONT}">',  # the font is the page's (Bangla included): inherited
           f'<title id="{tid}">{escape(title)}</title>', f'<desc id="{did}">{escape(description)}</desc>',
           f'<text x="{x0}" y="{TOP - 9}" fill="#333">{escape(axis_title)}</text>']

    def x(i: int) -> float:
        return x0 + (x1 - x0) * i / max(n - 1, 1)

    def y(rate: float) -> float:
        return y1 - (y1 - y0) * max(0.0, min(1.0, rate))

    for p in (0, 25, 50, 75, 100):  # y axis: grid lines and labels
        yy = _num(y(p / 100))
        out.append(f'<line x1="{x0}" x2="{x1}" y1="{yy}" y2="{yy}" stroke="{"#888" if p == 0 else "#ddd"}" '
                   f'stroke-width="1"/>')
        out.append(f'<text x="{x0 - 4}" y="{_num(y(p / 100) + 4)}" text-anchor="end" fill="#333">'
                   f'{escape(percent_text(p))}</text>')
    ticks = sorted({0, n - 1, *((n - 1) * k // 3 for k in (1, 2))}) if n > 4 else list(range(n))
    for i in ticks:  # x axis: month labels
        anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
        label = month_label(month_start(history["start"] + i))
        out.append(f'<line x1="{_num(x(i))}" x2="{_num(x(i))}" y1="{y1}" y2="{y1 + 4}" stroke="#888"/>')
        out.append(f'<text x="{_num(x(i))}" y="{y1 + 16}" text-anchor="{anchor}" fill="#333">{escape(label)}</text>')
    if not keys and no_data:
        out.append(f'<text x="{_num((x0 + x1) / 2)}" y="{_num((y0 + y1) / 2)}" text-anchor="middle" fill="#555">'
                   f'{escape(no_data)}</text>')
    for k in keys:  # a step line per discipline, overall last (on top)
        rates = lines[k]
        path = [f"M{_num(x(0))} {_num(y(rates[0] or 0))}"]
        for i in range(1, n):
            path.append(f"H{_num(x(i))} V{_num(y(rates[i] or 0))}")
        dash = f' stroke-dasharray="{DASHES[k]}"' if DASHES[k] else ""
        width = "3" if k == OVERALL else "2"
        out.append(f'<path d="{" ".join(path)}" fill="none" stroke="{COLOURS[k]}" stroke-width="{width}"{dash} '
                   f'data-series="{k}" data-last="{progress_percent(rates[-1])}"/>')
        out.append(f'<circle cx="{_num(x(n - 1))}" cy="{_num(y(rates[-1] or 0))}" r="3" fill="{COLOURS[k]}"/>')
    for j, k in enumerate(keys):  # legend: two columns under the axis, each with today's figure
        lx, ly = x0 + (j % 2) * ((x1 - x0) / 2), y1 + 36 + (j // 2) * 18
        dash = f' stroke-dasharray="{DASHES[k]}"' if DASHES[k] else ""
        out.append(f'<line x1="{_num(lx)}" x2="{_num(lx + 22)}" y1="{_num(ly - 4)}" y2="{_num(ly - 4)}" '
                   f'stroke="{COLOURS[k]}" stroke-width="{"3" if k == OVERALL else "2"}"{dash}/>')
        out.append(f'<text x="{_num(lx + 28)}" y="{_num(ly)}" fill="#222">{escape(labels.get(k, k))}: '
                   f'{escape(percent_text(progress_percent(lines[k][-1])))}</text>')
    out.append("</svg>")
    return "".join(out)


# --- for pages and reports (reads the database and the current language) -------------------------------------
def factory_history(factory_id: int, today: dt.date, states) -> dict:
    """One factory's history from the initial findings of its inspections in ``states`` (one grouped query)."""
    from factorysafe.actions.queries import pending_weight, progress_history_rows

    return progress_history(progress_history_rows([factory_id], states=states), today, pending_weight())


def programme_history(today: dt.date) -> dict:
    """Every public factory together. The months come from ``progress_history_rows`` over all published initial
    findings (seconds on a large programme: kept in the shared cache for the day); today's point from the status
    read model (``factory_status``, audience public: one sum over one row per factory), so it follows every change
    at once and is the same count the factory pages, API and exports give."""
    from factorysafe.actions.queries import pending_weight, progress_history_rows
    from factorysafe.cache import cache, key
    from factorysafe.factories.models import factory_status as fs
    from factorysafe.db import db
    from factorysafe.policy import PUBLIC_STATES

    ck = key("programme-progress-rows", today.isoformat())
    rows = cache.get(ck)
    if rows is None:
        rows = [tuple(r) for r in progress_history_rows(None, states=PUBLIC_STATES)]
        cache.set(ck, rows, timeout=24 * 3600)
    cols = [sa.func.coalesce(sa.func.sum(fs.c[f"{d}_{k}"]), 0) for d in DISCIPLINES for k in ("total", "corrected",
                                                                                               "pending")]
    sums = db.session.execute(sa.select(*cols).where(fs.c.audience == "public",
                                                     fs.c.published_inspections > 0)).one()
    now = {d: tuple(int(v) for v in sums[3 * i:3 * i + 3]) for i, d in enumerate(DISCIPLINES)}
    return progress_history(rows, today, pending_weight(), now=now)


def chart_svg(history: dict, lang: str, *, programme: bool = False, element_id: str = "progress-chart",
              digits=None) -> str:
    """``progress_svg`` with its words in the current language (``_()``), month names in ``lang``;
    ``digits(text)`` turns a figure's digits into the language's (the PDF prints Bangla digits)."""
    from babel.dates import format_date
    from flask_babel import gettext as _

    from factorysafe.labels import label

    digits = digits or (lambda s: s)
    labels = {d: label(Discipline(d)) for d in DISCIPLINES}
    labels[OVERALL] = _("Overall")
    if programme:
        title = _("Progress of all public factories over time")
        description = _("Share of the initial findings of all public factories verified as corrected by an "
                        "engineer, at the end of each month, per discipline and overall.")
    else:
        title = _("Progress over time")
        description = _("Share of the initial findings verified as corrected by an engineer, at the end of each "
                        "month, per discipline and overall.")
    return progress_svg(
        history, title=title, description=description, axis_title=_("Initial findings verified"),
        labels=labels, element_id=element_id, no_data=_("No findings published yet."),
        month_label=lambda d: digits(format_date(d, "MMM y", locale=lang)),
        percent_text=lambda n: digits(str(n)) + " %",
    )
