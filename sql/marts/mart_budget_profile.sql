-- grain: one row per budget year, month of that year (all twelve, whatever months the data covers) and budget
-- area with a budget
-- key: month, budget_area
-- reads: stg_budget
-- budget_profile_ytd_dkk: the year's budget in twelfths to the month's end (budget × month number ÷ 12), for the
-- line that cumulative actual spending is read against (the whole year, also months not yet in the data).
with budget as (
    select year, budget_area, sum(budget_dkk) as budget_dkk, from stg_budget group by all
),

final as (
    select
        make_date(b.year, n.month_no, 1) as month,
        b.year,
        n.month_no,
        b.budget_area,
        cast(b.budget_dkk as double) as budget_dkk,
        cast(b.budget_dkk as double) * n.month_no / 12 as budget_profile_ytd_dkk,
    from budget as b
    cross join range(1, 13) as n(month_no)
)

select * from final
