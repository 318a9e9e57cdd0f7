"""The KPIs of DOMAIN.md computed the way an analyst would without this product: plain pandas over the CSV
files (UTF-8, comma, ISO dates, as `python -m mi demo` writes them).

Written independently of sql/ from DOMAIN.md's text. Used twice: the tests compare `python -m mi kpis`
with it on the demo municipality, and the benchmark times it (`vs_pandas`).
"""

from __future__ import annotations

import calendar
import sys
import tomllib
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def _read(folder: Path, table: str, dates: list[str]) -> pd.DataFrame:
    return pd.read_csv(
        folder / f"{table}.csv",
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        parse_dates=dates,
        date_format="%Y-%m-%d",
    )


def load(folder: Path | str) -> dict[str, pd.DataFrame]:
    folder = Path(folder)
    t = {
        "measures": _read(folder, "measures", ["start_on", "end_on", "decided_on"]),
        "payments": _read(folder, "payments", ["posted_on"]),
        "budget": _read(folder, "budget", []),
        "staff": _read(folder, "staff", ["hired_on", "left_on"]),
        "cases": _read(folder, "cases", ["opened_on", "closed_on"]),
        "pupils": _read(folder, "pupils", []),
        "catalogue": pd.read_csv(ROOT / "data" / "catalogue" / "measures.csv", dtype=str),
    }
    t["measures"]["monthly_cost_dkk"] = pd.to_numeric(t["measures"]["monthly_cost_dkk"])
    t["payments"]["amount_dkk"] = pd.to_numeric(t["payments"]["amount_dkk"])
    t["budget"]["budget_dkk"] = pd.to_numeric(t["budget"]["budget_dkk"])
    t["budget"]["year"] = t["budget"]["year"].astype(int)
    t["staff"]["fte"] = pd.to_numeric(t["staff"]["fte"])
    t["pupils"]["pupils"] = pd.to_numeric(t["pupils"]["pupils"])
    settings = tomllib.loads((ROOT / "data" / "settings.toml").read_text())
    local = folder / "settings.toml"
    if local.exists():
        for section, values in tomllib.loads(local.read_text()).items():
            settings.setdefault(section, {}).update(values)
    t["settings"] = settings
    return t


def _active(df: pd.DataFrame, start: str, end: str, day: pd.Timestamp) -> pd.Series:
    return (df[start] <= day) & (df[end].isna() | (df[end] >= day))


def compute(t: dict, month: str) -> dict:
    y, mo = (int(p) for p in month.split("-"))
    E = pd.Timestamp(y, mo, calendar.monthrange(y, mo)[1])
    jan1 = pd.Timestamp(y, 1, 1)
    cat = t["catalogue"].set_index("measure_code")
    ms = t["measures"].join(cat[["placement_type"]], on="measure_code")
    out: dict = {"month": month}

    # current placement per child on E
    pl = ms[ms["placement_type"].notna() & _active(ms, "start_on", "end_on", E)]
    cur = pl.sort_values(["child_id", "start_on", "measure_id"]).groupby("child_id").tail(1)
    n_inst = int((cur["placement_type"] == "institution").sum())
    n_fam = int(cur["placement_type"].isin(["netvaerk", "plejefamilie"]).sum())
    out["f1_institution_children"] = n_inst
    ytd = (ms["start_on"] >= jan1) & (ms["start_on"] <= E)
    out["f1_institution_starts_ytd"] = int(((ms["placement_type"] == "institution") & ytd).sum())
    out["f2_family_care_share"] = n_fam / (n_fam + n_inst) if n_fam + n_inst else None
    ft = ms[(ms["measure_code"] == "FAMILIEBEHANDLING") & ytd]
    n_priv = int((ft["provider_type"] == "privat").sum())
    out["f3_private_family_treatment_starts_ytd"] = n_priv
    out["f3_private_share_ytd"] = n_priv / len(ft) if len(ft) else None
    dt = ms[(ms["measure_code"] == "SKOLE_DAGBEHANDLING") & _active(ms, "start_on", "end_on", E)]
    sy_start = y if mo >= 8 else y - 1
    sy = f"{sy_start}/{(sy_start + 1) % 100:02d}"
    pupils = t["pupils"].loc[t["pupils"]["school_year"] == sy, "pupils"]
    out["f4_day_treatment_share"] = (
        dt["child_id"].nunique() / pupils.iloc[0] if len(pupils) and pupils.iloc[0] else None
    )

    pay = t["payments"].merge(
        t["measures"][["measure_id", "measure_code"]], on="measure_id", how="left", suffixes=("", "_m")
    )
    pay["code"] = pay["measure_code"].fillna(pay["measure_code_m"])
    lost = pay[pay["code"] == "TABT_ARBEJDSFORTJENESTE"]
    out["f5_lost_earnings_ytd_dkk"] = round(
        float(lost.loc[(lost["posted_on"] >= jan1) & (lost["posted_on"] <= E), "amount_dkk"].sum()), 2
    )
    E_prev = pd.Timestamp(y - 1, mo, calendar.monthrange(y - 1, mo)[1])
    out["f5_lost_earnings_prev_ytd_dkk"] = round(
        float(
            lost.loc[
                (lost["posted_on"] >= pd.Timestamp(y - 1, 1, 1)) & (lost["posted_on"] <= E_prev), "amount_dkk"
            ].sum()
        ),
        2,
    )

    b = t["budget"][t["budget"]["year"] == y]
    budget = float(b["budget_dkk"].sum()) if len(b) else None
    out["budget_dkk"] = budget
    actual = float(pay.loc[(pay["posted_on"] >= jan1) & (pay["posted_on"] <= E), "amount_dkk"].sum())
    out["actual_ytd_dkk"] = round(actual, 2)
    committed = 0.0
    costed = ms[ms["monthly_cost_dkk"].notna()]
    for m2 in range(mo + 1, 13):
        first = pd.Timestamp(y, m2, 1)
        dim = calendar.monthrange(y, m2)[1]
        last = pd.Timestamp(y, m2, dim)
        s = costed["start_on"].clip(lower=first)
        e = costed["end_on"].fillna(pd.Timestamp(y, 12, 31)).clip(upper=last)
        days = ((e - s).dt.days + 1).clip(lower=0)
        committed += float((costed["monthly_cost_dkk"] * days / dim).sum())
    out["forecast_dkk"] = round(actual + committed, 2)
    out["overspend_dkk"] = round(actual + committed - budget, 2) if budget is not None else None
    bs = t["settings"]["budget"]
    out["overspend_target_dkk"] = float(
        bs["baseline_overspend_dkk"] - bs["annual_reduction_dkk"] * (y - bs["baseline_year"])
    )

    st, cs = t["staff"], t["cases"]
    n_cases = int(_active(cs, "opened_on", "closed_on", E).sum())
    fte = st.loc[(st["role"] == "raadgiver") & _active(st, "hired_on", "left_on", E), "fte"].sum()
    out["caseload_per_fte"] = n_cases / fte if fte else None
    first12 = pd.Timestamp(y, mo, 1) - pd.DateOffset(months=11)
    leavers = int(((st["left_on"] >= first12) & (st["left_on"] <= E)).sum())
    heads = []
    for k in range(12):
        d = pd.Timestamp(y, mo, 1) - pd.DateOffset(months=k)
        d = pd.Timestamp(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
        heads.append(st.loc[_active(st, "hired_on", "left_on", d), "employee_id"].nunique())
    mean_heads = sum(heads) / 12
    out["turnover_12m"] = leavers / mean_heads if mean_heads else None
    act = st[_active(st, "hired_on", "left_on", E)]
    for n, key in ((1, "tenure_under_1y_share"), (2, "tenure_under_2y_share")):
        cutoff = E - pd.DateOffset(years=n)
        out[key] = float((act["hired_on"] > cutoff).sum() / len(act)) if len(act) else None
    return out


def main(argv: list[str]) -> None:
    folder, month = argv[0], argv[1]
    print(compute(load(folder), month))


if __name__ == "__main__":
    main(sys.argv[1:])
