-- params: p_month, p_budget_area
-- grain: one bar of the chart from the budget to the forecast in month p_month: the budget (step_no 0), one step
-- per chosen budget area with a budget or a forecast (its forecast minus its budget), the forecast (1000)
-- key: step_no
-- reads: mart_budget_area_monthly
-- from_dkk and to_dkk: where each bar starts and ends (the steps start where the one before ended), amount_dkk:
-- its size, in whole kroner. step_type: 'Budget', 'Merforbrug' (forecast over budget), 'Mindreforbrug',
-- 'Forventet forbrug'. p_budget_area: a list of areas, NULL for all. No rows when no area has a budget or a forecast
-- (a case system's export alone: no budget, no prices).
with areas as (
    select
        budget_area,
        coalesce(budget_dkk, 0) as budget_dkk,
        forecast_dkk,
        forecast_dkk - coalesce(budget_dkk, 0) as step_dkk,
    from mart_budget_area_monthly
    where
        month = p_month
        and (p_budget_area is null or list_contains(p_budget_area, budget_area))
        and (budget_dkk is not null or forecast_dkk <> 0)
),

totals as (
    select sum(budget_dkk) as budget_dkk, sum(forecast_dkk) as forecast_dkk, from areas
),

steps as (
    select
        row_number() over (order by budget_area) as step_no,
        budget_area,
        step_dkk,
        (select budget_dkk from totals)
        + sum(step_dkk) over (order by budget_area rows between unbounded preceding and current row)
        - step_dkk as start_dkk,
    from areas
),

final as (
    select
        0 as step_no,
        'Budget' as step,
        'Budget' as step_type,
        0.0 as from_dkk,
        round(budget_dkk) as to_dkk,
        round(budget_dkk) as amount_dkk,
    from totals
    where exists (select * from areas)
    union all
    select
        step_no,
        budget_area,
        case when step_dkk > 0 then 'Merforbrug' else 'Mindreforbrug' end,
        round(start_dkk),
        round(start_dkk + step_dkk),
        round(step_dkk),
    from steps
    union all
    select 1000, 'Forventet forbrug', 'Forventet forbrug', 0.0, round(forecast_dkk), round(forecast_dkk),
    from totals
    where exists (select * from areas)
)

select * from final
order by step_no
