"""The pack's sentences: one per focus point, one per section (budget, caseload, staff), the footnotes, the
frozen-month notice and the chart captions — written from a Pack's shown figures (mi.figures), never from raw
values, so a hidden figure is never said.
"""

from __future__ import annotations

from datetime import date

from mi import fmt, privacy, spec
from mi.figures import SERIES_MONTHS, Figure, FocusPoint, Pack, money


def _period(m: date) -> str:
    return fmt.month_name(m) if m.month == 1 else f"{fmt.MONTHS[0]}–{fmt.month_name(m)}"


def _children(n: float) -> str:
    n = int(n)
    return "ingen børn" if n == 0 else ("1 barn" if n == 1 else f"{fmt.number(n)} børn")


def _more_fewer(change: float, unit: str, few: str = "færre", many: str = "flere") -> str:
    word = few if change < 0 else many
    if unit in ("share", "share2"):
        decimals = 2 if unit == "share2" else 1
        return (
            f"{fmt.number(abs(change) * 100, decimals)} procentpoint {'lavere' if change < 0 else 'højere'}"
        )
    if unit == "dkk":
        return f"{money(abs(change))} {'mindre' if change < 0 else 'mere'}"
    return f"{fmt.number(abs(change))} {word}"


def _comparison(f: Figure, same: str, small_note: str) -> str:
    """', 4 færre end samme måned sidste år' / ', det samme som …' / '' / a note when last year is hidden."""
    c = f.change_year
    if isinstance(c, str):
        return small_note
    if c is None:
        return ""
    about = "ca. " if isinstance(c, privacy.Rounded) else ""  # the change between two rounded counts
    if c == 0:
        return f", {'omtrent ' if about else ''}uændret i forhold til " + same.removeprefix("i ")
    return f", {about}{_more_fewer(c, f.unit)} end {same}"


def focus_sentence(fp: FocusPoint, m: date, min_count: int) -> str:
    text = _focus_text(fp, m, min_count)
    return text if text.endswith(".") else text + "."


def _focus_text(fp: FocusPoint, m: date, min_count: int) -> str:
    f, month, period = fp.headline, fmt.month_name(m), _period(m)
    few = f"færre end {min_count}"
    # '<5' is a small count; '–' a figure hidden so that a small count elsewhere cannot be worked out from it
    small = f.value == privacy.mark(min_count)
    not_shown = f"vises ikke, fordi et lille antal børn ellers kunne regnes ud (færre end {min_count})"

    def hidden(subject: str, when_small: str = "") -> str:
        """The sentence for a figure not shown: what a small count ('<5') says, else why the figure is hidden."""
        return when_small if small and when_small else f"{subject} {not_shown}."

    hidden_year = (
        "; sammenligningen med sidste år vises ikke, fordi et lille antal børn ellers kunne regnes ud"
    )
    if fp.code == "f1":
        if isinstance(f.value, str):
            return hidden(
                f"Antallet af børn anbragt på institution ved udgangen af {month}",
                f"Ved udgangen af {month} var {few} børn anbragt på institution.",
            )
        return (
            f"Ved udgangen af {month} var {_children(f.value)} anbragt på institution"
            f"{_comparison(f, 'samme måned sidste år', hidden_year)}"
        )
    if fp.code == "f2":
        if isinstance(f.value, str):
            return hidden(f"Andelen i netværks- og plejefamilier ved udgangen af {month}")
        if f.value is None:
            return f"Ved udgangen af {month} var ingen børn anbragt i familiepleje eller på institution."
        return (
            f"Ved udgangen af {month} boede {fmt.pct(f.value)} af de børn, der var anbragt i familiepleje eller "
            f"på institution, i en netværks- eller plejefamilie{_comparison(f, 'samme måned sidste år', hidden_year)}"
        )
    if fp.code == "f3":
        if isinstance(f.value, str):
            return hidden(
                f"Antallet af forløb med familiebehandling hos private leverandører i {period}",
                f"I {period} er der startet {few} forløb med familiebehandling hos private leverandører.",
            )
        n = int(f.value or 0)
        if n == 0 and not isinstance(f.value, privacy.Rounded):
            return (
                f"I {period} er der ikke startet forløb med familiebehandling hos private leverandører"
                f"{_comparison(f, 'i samme periode sidste år', hidden_year)}"
            )
        courses = "1 forløb" if n == 1 else f"{fmt.number(n)} forløb"
        if isinstance(f.value, privacy.Rounded):
            # rounded to the base (issue 18); 'ca. 0' is said as what it means
            courses = f"ca. {fmt.number(n)} forløb" if n else "meget få eller ingen forløb (afrundet: ca. 0)"
        return (
            f"I {period} er der startet {courses} med familiebehandling hos private leverandører"
            f"{_comparison(f, 'i samme periode sidste år', hidden_year)}"
        )
    if fp.code == "f4":
        if isinstance(f.value, str):
            return hidden(f"Andelen af elever i skole-dagbehandling ved udgangen af {month}")
        if f.value is None:
            return f"Elevtallet for skoleåret mangler, så andelen i skole-dagbehandling kan ikke beregnes for {month}."
        who = "ingen" if f.value == 0 else fmt.pct(f.value, 2)
        return (
            f"Ved udgangen af {month} gik {who} af kommunens elever i et "
            f"skole-dagbehandlingstilbud{_comparison(f, 'samme måned sidste år', hidden_year)}"
        )
    # f5
    return (
        f"I {period} er der udbetalt {money(f.value or 0)} i tabt arbejdsfortjeneste"
        f"{_comparison(f, 'i samme periode sidste år', '')}"
    )


def section_sentences(p: Pack) -> dict[str, str]:
    f = p.figures
    out = {}
    budget, forecast, over, target = (
        f[k].value for k in ("budget_dkk", "forecast_dkk", "overspend_dkk", "overspend_target_dkk")
    )
    year = p.month.year
    if budget is None:
        out["budget"] = (
            f"Der er intet budget for {year} i data; det forventede forbrug for året er {money(forecast)}"
        )
    else:
        side = "over" if over > 0 else "under"
        goal = (
            f"Målet er et merforbrug på højst {money(target)}"
            if target > 0
            else f"Målet er et mindreforbrug på mindst {money(-target)}"
            if target < 0
            else "Målet er at holde budgettet"
        )
        out["budget"] = (
            f"Det forventede forbrug for {year} er {money(forecast)}, {money(abs(over))} "
            f"{side} budgettet på {money(budget)}; {goal[0].lower() + goal[1:]} "
            f"({f['overspend_dkk'].status_label.lower()})."
        )
    c = f["caseload_per_fte"]
    lo, hi = p.norm
    if c.value is None:
        out["caseload"] = f"Sagstallet kan ikke beregnes for {p.month_text} (ingen rådgivere i data)."
    else:
        out["caseload"] = (
            f"Ved udgangen af {p.month_text} havde rådgiverne i gennemsnit {fmt.number(c.value, 1)} "
            f"sager pr. årsværk; Dansk Socialrådgiverforening anbefaler {fmt.number(lo)}–"
            f"{fmt.number(hi)} ({c.status_label.lower()})."
        )
    t, u1, u2 = f["turnover_12m"], f["tenure_under_1y_share"], f["tenure_under_2y_share"]
    if t.value is None:
        out["staff"] = "Personaleomsætningen kan ikke beregnes (ingen ansatte i data)."
    else:
        out["staff"] = (
            f"I de seneste 12 måneder svarer fratrædelserne til {fmt.pct(t.value)} af de ansatte; "
            f"{fmt.pct(u1.value)} af de ansatte har været ansat under 1 år og {fmt.pct(u2.value)} under "
            "2 år."
        )
    return out


def footnotes(p: Pack) -> list[str]:
    notes = []
    if p.suppress:
        notes += privacy.footnotes(p.min_count)
        notes.append(f"Kurverne viser ikke måneder, hvor tallet bygger på under {p.min_count} børn.")
    if any(f.is_revised for f in p.figures.values()) or p.revisions:
        notes.append(
            "Revideret: tallet er ændret i data, efter måneden blev frosset. Det frosne tal står først, "
            "dagens tal efter pilen."
        )
    values = [f.value for f in p.figures.values()] if p.suppress else []
    rounded = any(privacy.is_rounded(v) for v in values)
    if rounded and p.rounding_base > 1:
        notes.append(privacy.rounding_note(p.rounding_base))
    if p.share_base != p.rounding_base and any(
        isinstance(v, privacy.RoundedShare) and v.base == p.share_base for v in values
    ):
        # the 12-month shares' counts are rounded to another base than the year-to-date counts (privacy.share_base)
        notes.append(privacy.share_rounding_note(p.share_base))
    notes.append(
        "Andele er beregnet af tal, der ikke er afrundede"
        + (", undtagen andele af afrundede antal (ca.)" if rounded else "")
        + "; beløb er i kroner, store beløb i mio. kr."
    )
    return notes


def frozen_text(p: Pack) -> str:
    if p.frozen is None:
        return (
            f"Tallene for {p.month_text} er ikke frosset og kan ændre sig ved næste dataindlæsning."
            if p.role == "udvalg"
            else "Måneden er ikke frosset for udvalget."
        )
    at = p.frozen["frozen_at"]
    base = (
        f"Udvalgets tal for {p.month_text} blev frosset {fmt.day(at)} "
        f"(dataversion {p.frozen['version_id']}, data pr. {fmt.day(p.frozen['data_as_of'])})."
    )
    if p.role == "udvalg":
        return base + " Senere ændringer vises som revisioner."
    return base + " Denne udgave viser dagens tal; ændringer siden er listet under revisioner."


def chart_caption(pack: Pack, fp: FocusPoint) -> str:
    label = spec.BY_KEY[fp.chart_key].label
    text = f"Kurven: {label.lower()}, de seneste {SERIES_MONTHS} måneder."
    if fp.code == "f5":
        text += " Beløbet er år til dato, så kurven starter forfra hver januar."
    if pack.suppress and fp.code in ("f1", "f2", "f3", "f4"):
        text += f" Måneder, hvor tallet bygger på under {pack.min_count} børn, vises ikke."
    return text
