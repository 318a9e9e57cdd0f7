-- params: p_month, p_budget_area
-- grain: one row per budget area (of the chosen ones) with a budget, spending or commitments in month p_month,
-- and one row 'I alt' for them together, last
-- key: budget_area
-- reads: mart_budget_area_monthly
-- In whole kroner: the year's budget, the budget in twelfths to date, actual to date, its deviation from the
-- twelfths, what is committed for the rest of the year, the forecast and its deviation from the budget
-- (positive: overspend). p_budget_area: a list of areas, NULL for all.
with chosen as (
    select *
    from mart_budget_area_monthly
    where
        month = p_month
        and (p_budget_area is null or list_contains(p_budget_area, budget_area))
        and (budget_dkk is not null or actual_ytd_dkk <> 0 or committed_dkk <> 0)
),

summed as (
    select
        budget_area,
        grouping(budget_area) as is_total,
        sum(budget_dkk) as budget_dkk,
        sum(budget_profile_ytd_dkk) as budget_profile_ytd_dkk,
        sum(actual_ytd_dkk) as actual_ytd_dkk,
        sum(committed_dkk) as committed_dkk,
        sum(forecast_dkk) as forecast_dkk,
    from chosen
    group by grouping sets ((budget_area), ())
),

final as (
    select
        coalesce(budget_area, 'I alt') as budget_area,
        is_total = 1 as is_total,
        round(budget_dkk) as budget_dkk,
        round(budget_profile_ytd_dkk) as budget_profile_ytd_dkk,
        round(actual_ytd_dkk) as actual_ytd_dkk,
        round(actual_ytd_dkk - budget_profile_ytd_dkk) as deviation_ytd_dkk,
        round(committed_dkk) as committed_dkk,
        round(forecast_dkk) as forecast_dkk,
        round(forecast_dkk - budget_dkk) as deviation_dkk,
    from summed
)

select * from final
order by is_total, budget_area
