"""Accessibility that can be checked without a browser: each chart's text alternative (mi.charts.describe, the
aria-label ui.chart_with_table gives it), Material icons instead of emoji, the caption contrast the theme gives.
The browser checks (axe-core on every page and role, keyboard, visible focus) are in tests/e2e/test_accessibility.py.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date

import polars as pl

from mi import auth, charts
from mi.settings import ROOT

# pictographs and dingbats (📊, 🔒, ⬇️, ⚠️, 🗄️ …) render as empty boxes where no emoji font is installed
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")


def test_lines_over_time_name_their_unit_and_series():
    frame = pl.DataFrame(
        {
            "month": [date(2024, 1, 1), date(2024, 2, 1)] * 2,
            "n": [3, 4, 5, 6],
            "Trin": ["2. Forebyggende"] * 2 + ["3. I hjemmet"] * 2,
        }
    )
    spec = charts.lines(frame, "month", "n", "Trin", "count")
    assert charts.describe(spec) == (
        "Linjediagram over tid (antal) med en linje for hver af: 2. Forebyggende og 3. I hjemmet."
    )


def test_horizontal_bars_name_their_categories_and_cut_a_long_list():
    # ten caseworkers: the first eight are named, the other two counted
    ids = [f"R{i:02d}" for i in range(1, 11)]
    frame = pl.DataFrame({"id": ids, "n": list(range(10, 0, -1))})
    spec = charts.bars(frame, "id", "n", "count")
    assert charts.describe(spec) == (
        "Vandret søjlediagram (antal) for R01, R02, R03, R04, R05, R06, R07, R08 og 2 flere."
    )


def test_vertical_bars_with_colours_and_annotations_left_out():
    # the value labels written on the bars (a text layer) are not a chart of their own
    frame = pl.DataFrame({"år": ["2023", "2023", "2024"], "kr": [1.0, 2.0, 3.0], "del": ["A", "B", "A"]})
    spec = charts.bars(frame, "år", "kr", "kr", color="del", horizontal=False)
    assert charts.describe(spec) == "Søjlediagram (kr.) for 2023 og 2024, farvet efter: A og B."
    assert charts.describe({"mark": "text"}) == "Diagram."


def test_every_page_icon_is_a_material_symbol_and_no_screen_text_holds_an_emoji():
    assert all(re.fullmatch(r":material/[a-z_]+:", p.icon) for p in auth.PAGES), [p.icon for p in auth.PAGES]
    sources = [ROOT / "app.py", ROOT / "mi" / "ui.py", *sorted((ROOT / "pages").glob("*.py"))]
    found = {
        f"{path.name}:{n}": line.strip()
        for path in sources
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if EMOJI.search(line)
    }
    assert found == {}


def _luminance(hex_colour: str) -> float:
    channels = []
    for i in (1, 3, 5):
        v = int(hex_colour[i : i + 2], 16) / 255
        channels.append(v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_captions_drawn_from_the_theme_text_colour_reach_4_5_to_1():
    # Streamlit draws captions in the text colour at 60 % opacity over the background. From the theme's text colour
    # that is, on white (#ffffff) and on the sidebar (#f8f8f7 in the light theme), at least 4.5:1 (WCAG 1.4.3).
    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]
    text = theme["textColor"]
    for background in ("#ffffff", "#f8f8f7"):
        mixed = "#" + "".join(
            f"{round(0.6 * int(text[i : i + 2], 16) + 0.4 * int(background[i : i + 2], 16)):02x}"
            for i in (1, 3, 5)
        )
        hi, lo = sorted((_luminance(mixed), _luminance(background)), reverse=True)
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (background, mixed)


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_chart_axis_and_legend_text_reach_4_5_to_1_on_white():
    # Streamlit's chart theme draws axis and legend text light grey (about 3:1); every chart sets its own
    frame = pl.DataFrame({"month": [date(2024, 1, 1)], "n": [1], "serie": ["A"]})
    config = charts.finish(charts.lines(frame, "month", "n", "serie", "count"))["config"]
    colours = [config["axis"]["labelColor"], config["axis"]["titleColor"], config["legend"]["labelColor"]]
    assert all(_contrast(c, "#ffffff") >= 4.5 for c in colours), colours
