-- grain: one row per month and budget area, measure code, provider type, provider and account function
-- key: month, budget_area, measure_code, provider_type, provider_name, account
-- reads: int_month_spine, mart_spend_monthly
-- Actual spending from 1 January to the month's end, for the finance filters.
with final as (
    select
        s.month,
        sp.budget_area,
        sp.measure_code,
        any_value(sp.measure_label) as measure_label,
        sp.provider_type,
        sp.provider_name,
        sp.account,
        sum(sp.amount_dkk) as actual_ytd_dkk,
        sum(sp.amount_dkk) filter (where sp.month = s.month) as actual_month_dkk,
        sum(sp.n_payments) as n_payments,
        sum(sp.n_refunds) as n_refunds,
    from int_month_spine as s
    inner join mart_spend_monthly as sp on sp.month between s.year_start_on and s.month
    group by s.month, sp.budget_area, sp.measure_code, sp.provider_type, sp.provider_name, sp.account
)

select * from final
