-- params: p_month, p_budget_area, p_measure_label, p_provider_type, p_provider_name, p_account
-- grain: one row per series ('Budget (1/12-dele)', 'Forbrug år til dato') and month of p_month's year
-- key: series, month
-- reads: mart_budget_profile, mart_economy_chosen
-- Month by month in p_month's year, in whole kroner: the chosen budget areas' budget in twelfths (all twelve
-- months; the budget exists per budget area only, so the other filters do not touch it) and actual spending
-- to date within every filter, to p_month. Each filter: a list of values, NULL for all.
with profile as (
    select month, sum(budget_profile_ytd_dkk) as amount_dkk,
    from mart_budget_profile
    where year = year(p_month) and (p_budget_area is null or list_contains(p_budget_area, budget_area))
    group by month
),

spent as (
    select month, sum(actual_ytd_dkk) as amount_dkk,
    from mart_economy_chosen(
        p_from := make_date(year(p_month), 1, 1), p_to := p_month,
        p_budget_area := p_budget_area, p_measure_label := p_measure_label, p_provider_type := p_provider_type,
        p_provider_name := p_provider_name, p_account := p_account
    )
    group by month
),

final as (
    select 'Budget (1/12-dele)' as series, month, round(amount_dkk) as amount_dkk, from profile
    union all
    select 'Forbrug år til dato', month, round(amount_dkk), from spent
)

select * from final
order by series, month
