-- params: p_month, p_measure_label, p_provider_type
-- grain: one row per measure type and provider type with a contracted or a paid price per child in p_month
-- key: measure_label, provider_type
-- reads: mart_unit_prices_monthly, stg_catalogue
-- The average monthly cost per child in whole kroner: contracted (measures active at the month's end) beside
-- paid (the month's postings), with the children behind each. Each filter: a list of values, NULL for all.
with prices as (
    select
        coalesce(cat.label_da, u.measure_code) as measure_label,
        u.provider_type,
        u.n_children_contracted,
        u.contracted_per_child_dkk,
        u.n_children_paid,
        u.paid_per_child_dkk,
    from mart_unit_prices_monthly as u
    left join stg_catalogue as cat on cat.measure_code = u.measure_code
    where u.month = p_month
),

final as (
    select
        measure_label,
        provider_type,
        n_children_contracted,
        round(contracted_per_child_dkk) as contracted_per_child_dkk,
        n_children_paid,
        round(paid_per_child_dkk) as paid_per_child_dkk,
    from prices
    where
        (p_measure_label is null or list_contains(p_measure_label, measure_label))
        and (p_provider_type is null or list_contains(p_provider_type, provider_type))
        and (contracted_per_child_dkk is not null or paid_per_child_dkk is not null)
)

select * from final
order by measure_label, provider_type
