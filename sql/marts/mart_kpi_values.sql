-- grain: one row per month and key of kpi_frozen_keys (the spec's KPIs, then the counts behind them)
-- key: month, kpi_key
-- reads: mart_kpi_monthly, kpi_frozen_keys
-- The monthly mart in long form, as double: its columns unpivoted with DuckDB's UNPIVOT (every column besides
-- month, month_end and year is a number) and kept where the spec (mi/kpis.toml, table kpi_frozen_keys) names
-- them, so a KPI added to the spec and to mart_kpi_monthly is here, in its changes, status and frozen figures
-- without another edit.
with wide as (
    select month, cast(columns(* exclude (month, month_end, year)) as double),
    from mart_kpi_monthly
),

long as (
    from wide unpivot include nulls (value for kpi_key in (columns(* exclude month)))
),

final as (
    select l.month, l.kpi_key, l.value,
    from long as l
    semi join kpi_frozen_keys as k on k.key = l.kpi_key
)

select * from final
