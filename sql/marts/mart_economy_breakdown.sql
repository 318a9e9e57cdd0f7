-- params: p_month, p_dim, p_budget_area, p_measure_label, p_provider_type, p_provider_name, p_account
-- grain: one row per value of the dimension p_dim (budget_area, measure_label, provider_type, provider_name or
-- account; NULL: budget_area) within the filters in month p_month
-- key: category
-- reads: mart_economy_chosen
-- In whole kroner: spending in the month, spending to date, committed for the rest of the year and the
-- forecast (actual to date + committed), largest forecast first. Each filter: a list of values, NULL for all.
with final as (
    select
        case coalesce(p_dim, 'budget_area')
            when 'budget_area' then budget_area
            when 'measure_label' then measure_label
            when 'provider_type' then provider_type
            when 'provider_name' then provider_name
            when 'account' then account
        end as category,
        round(sum(actual_month_dkk)) as actual_month_dkk,
        round(sum(actual_ytd_dkk)) as actual_ytd_dkk,
        round(sum(committed_dkk)) as committed_dkk,
        round(sum(actual_ytd_dkk) + sum(committed_dkk)) as forecast_dkk,
    from mart_economy_chosen(
        p_to := p_month, p_budget_area := p_budget_area, p_measure_label := p_measure_label,
        p_provider_type := p_provider_type, p_provider_name := p_provider_name, p_account := p_account
    )
    group by category
)

select * from final
order by forecast_dkk desc, category
