-- params: p_month, p_budget_area, p_measure_label, p_provider_type, p_provider_name, p_account, p_limit
-- grain: one row per measure with a cost committed for the months after p_month in its year, within the filters
-- key: measure_id
-- reads: mart_commitments
-- The largest commitments first (p_limit rows; NULL: all), amounts in whole kroner; pseudonymous ids (leder and
-- oekonomi only). Each filter: a list of values, NULL for all.
with final as (
    select
        measure_id,
        child_id,
        measure_label,
        provider_type,
        provider_name,
        budget_area,
        start_on,
        end_on,
        round(monthly_cost_dkk) as monthly_cost_dkk,
        round(committed_dkk) as committed_dkk,
        committed_dkk as sort_dkk,
    from mart_commitments
    where
        month = p_month
        and (p_budget_area is null or list_contains(p_budget_area, budget_area))
        and (p_measure_label is null or list_contains(p_measure_label, measure_label))
        and (p_provider_type is null or list_contains(p_provider_type, provider_type))
        and (p_provider_name is null or list_contains(p_provider_name, provider_name))
        and (p_account is null or list_contains(p_account, account))
)

select * exclude (sort_dkk) from final
order by sort_dkk desc, measure_id
limit p_limit
