-- grain: one row per month and budget area (the catalogue's areas, the budget's, and 'Uden budgetområde' for
-- postings whose code has none)
-- key: month, budget_area
-- reads: int_month_spine, stg_budget, int_payments, int_measure_month_cost
-- budget_profile_ytd_dkk: the budget in twelfths (budget × month number ÷ 12); committed_dkk: what the area's
-- measures commit for the months after M in Y; forecast_dkk = actual_ytd_dkk + committed_dkk. Summed over
-- areas, actual_ytd_dkk, committed_dkk and forecast_dkk equal mart_kpi_monthly's.
with areas as (
    select distinct budget_area from stg_budget
    union
    select distinct budget_area from int_payments
    union
    select distinct budget_area from int_measure_month_cost
),

grid as (
    select s.month, s.year, s.month_no, s.year_start_on, s.month_end, a.budget_area,
    from int_month_spine as s, areas as a
),

budget as (
    select year, budget_area, sum(budget_dkk) as budget_dkk, from stg_budget group by all
),

paid as (
    select month, budget_area, sum(amount_dkk) as amount_dkk, from int_payments group by all
),

cost as (
    select month, budget_area, sum(cost_dkk) as cost_dkk,
    from int_measure_month_cost
    where version = 'current'
    group by all
),

final as (
    select
        g.month,
        g.year,
        g.budget_area,
        cast(b.budget_dkk as double) as budget_dkk,
        cast(b.budget_dkk as double) * g.month_no / 12 as budget_profile_ytd_dkk,
        coalesce((select cast(sum(p.amount_dkk) as double) from paid as p
            where p.budget_area = g.budget_area and p.month = g.month), 0) as actual_month_dkk,
        coalesce((select cast(sum(p.amount_dkk) as double) from paid as p
            where p.budget_area = g.budget_area and p.month between g.year_start_on and g.month), 0)
            as actual_ytd_dkk,
        coalesce((select sum(c.cost_dkk) from cost as c
            where c.budget_area = g.budget_area and c.month > g.month and year(c.month) = g.year), 0)
            as committed_dkk,
    from grid as g
    left join budget as b on b.year = g.year and b.budget_area = g.budget_area
)

select
    *,
    actual_ytd_dkk + committed_dkk as forecast_dkk,
    actual_ytd_dkk + committed_dkk - budget_dkk as deviation_dkk,
from final
