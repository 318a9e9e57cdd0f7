"""The pack as PDF: HTML from the Jinja template (report_templates/pack.html) with the charts as PNG, printed by
WeasyPrint."""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict
from datetime import datetime
from pathlib import Path

from mi import flows, fmt, pack_compliance, privacy, scenario_tables, spec
from mi.figures import ROLE_LABELS, TITLE, Pack, change_text, mio, money, revision_texts, value_text
from mi.pack_charts import STATUS_COLOURS, chart_png, charts
from mi.sentences import chart_caption, frozen_text

TEMPLATES = Path(__file__).parent / "report_templates"


def _env():
    import jinja2  # noqa: PLC0415

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = fmt.day
    env.filters["text"] = value_text
    env.tests["rounded"] = privacy.is_rounded
    env.tests["rounded_figure"] = lambda f: privacy.is_rounded(f.value)
    env.filters["change"] = change_text
    env.filters["money"] = money
    env.filters["mio"] = mio
    env.globals["revision_texts"] = revision_texts
    env.filters["number"] = fmt.number
    env.filters["month"] = fmt.month_name
    env.globals["focus_text"] = scenario_tables.focus_text
    return env


def render_html(pack: Pack, images: dict[str, bytes] | None = None) -> str:
    if images is None:
        images = {name: chart_png(c) for name, c in charts(pack).items()}
    uris = {k: "data:image/png;base64," + base64.b64encode(v).decode() for k, v in images.items()}
    return (
        _env()
        .get_template("pack.html")
        .render(
            p=pack,
            title=TITLE,
            role_label=ROLE_LABELS[pack.role],
            images=uris,
            status_colours=STATUS_COLOURS,
            frozen_text=frozen_text(pack),
            chart_caption=lambda fp: chart_caption(pack, fp),
            reduction=mio(pack.annual_reduction_dkk),
            baseline_year=pack.baseline_year,
            registry=spec.REGISTRY,
            compliance=pack_compliance.rows(pack),
            compliance_note=pack_compliance.NATIONAL_SOURCE_NOTE,
            generated=datetime.now(),
            flows_period=flows.period_text(pack.month),
            rounding_note=privacy.rounding_note(pack.rounding_base),
            share_rounding_note=privacy.share_rounding_note(pack.share_base),
        )
    )


def render_pdf(pack: Pack) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, only for the PDF

    return HTML(string=render_html(pack), base_url=str(TEMPLATES)).write_pdf()


_rendered: OrderedDict[tuple, bytes] = OrderedDict()
_rendered_lock = threading.Lock()
RENDERED_KEPT = 12


def render_pdf_once(key: tuple, pack: Pack) -> bytes:
    """render_pdf(pack), kept under `key` (the database file, its stamp, the month and the role): the screen's
    download button asks for it when clicked (a callable run outside the page's script), and a second click or
    another session with the same pack gets the same file."""
    with _rendered_lock:
        if key in _rendered:
            _rendered.move_to_end(key)
            return _rendered[key]
    data = render_pdf(pack)
    with _rendered_lock:
        _rendered[key] = data
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    return data
