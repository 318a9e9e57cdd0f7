-- grain: one row per month and KPI: its value, last month's and the same month last year's, and the changes
-- key: month, kpi_key
-- reads: mart_kpi_values, kpi_registry
with long as (
    select v.month, v.kpi_key, v.value,
    from mart_kpi_values as v
    semi join kpi_registry as r on r.key = v.kpi_key
),

final as (
    select
        cur.month,
        cur.kpi_key,
        cur.value,
        prev_m.value as prev_month_value,
        prev_y.value as prev_year_value,
        cur.value - prev_m.value as change_month,
        cur.value - prev_y.value as change_year,
    from long as cur
    left join long as prev_m
        on prev_m.kpi_key = cur.kpi_key and prev_m.month = cast(cur.month - interval 1 month as date)
    left join long as prev_y
        on prev_y.kpi_key = cur.kpi_key and prev_y.month = cast(cur.month - interval 1 year as date)
)

select * from final
