-- grain: one row per month M and year from the baseline year to M's year
-- key: month, year
-- reads: int_month_spine, stg_settings, stg_budget, int_payments, mart_kpi_monthly
-- Overspend per year: for years before M's, all the year's payments minus its budget; for M's year, the
-- forecast at M minus the budget. target_dkk = baseline overspend − annual reduction × (year − baseline year);
-- the baseline year's overspend is the settings' (the municipality sets it). gap_dkk = overspend − target
-- (positive: above the path).
with years as (
    select
        s.month,
        y.year,
    from int_month_spine as s
    cross join stg_settings as st,
        range(cast(st.budget_baseline_year as integer), s.year + 1) as y(year)
),

paid as (
    select year(posted_on) as year, sum(amount_dkk) as amount_dkk, from int_payments group by all
),

budget as (
    select year, sum(budget_dkk) as budget_dkk, from stg_budget group by all
),

final as (
    select
        y.month,
        y.year,
        y.year = year(y.month) as is_forecast,
        cast(b.budget_dkk as double) as budget_dkk,
        case
            when y.year = year(y.month) then k.forecast_dkk
            else cast(coalesce(p.amount_dkk, 0) as double)
        end as spend_dkk,
        case
            when y.year = year(y.month) then k.overspend_dkk
            else cast(coalesce(p.amount_dkk, 0) - b.budget_dkk as double)
        end as overspend_dkk,
        st.budget_baseline_overspend_dkk
            - st.budget_annual_reduction_dkk * (y.year - st.budget_baseline_year) as target_dkk,
    from years as y
    cross join stg_settings as st
    left join paid as p on p.year = y.year
    left join budget as b on b.year = y.year
    left join mart_kpi_monthly as k on k.month = y.month
)

select
    *,
    overspend_dkk - target_dkk as gap_dkk,
    overspend_dkk <= target_dkk as is_on_track,
from final
