-- params: p_from, p_to, p_budget_area, p_measure_label, p_provider_type, p_provider_name, p_account
-- grain: one row per month from p_from to p_to (NULL: p_to alone) and finance dimensions, within the filters
-- key: month, budget_area, measure_label, provider_type, provider_name, account
-- reads: mart_economy_detail
-- The rows of mart_economy_detail that the Økonomi screen's filters choose: the one place the five filters are
-- read (each a list of values, NULL for all), for the breakdown and the cumulative spending.
with final as (
    select *
    from mart_economy_detail
    where
        month between coalesce(p_from, p_to) and p_to
        and (p_budget_area is null or list_contains(p_budget_area, budget_area))
        and (p_measure_label is null or list_contains(p_measure_label, measure_label))
        and (p_provider_type is null or list_contains(p_provider_type, provider_type))
        and (p_provider_name is null or list_contains(p_provider_name, provider_name))
        and (p_account is null or list_contains(p_account, account))
)

select * from final
