-- params: p_month, p_measure_label, p_months
-- grain: one row per measure type, series (provider type · 'kontrakt' or 'betalt') and month of the p_months
-- months (NULL: 24) ending with p_month, where the series has a price
-- key: measure_label, series, month
-- reads: mart_unit_prices_monthly, stg_catalogue
-- The contracted and the paid price per child month by month in whole kroner, for the measure type
-- p_measure_label (NULL: every type).
with prices as (
    select
        u.month,
        coalesce(cat.label_da, u.measure_code) as measure_label,
        u.provider_type,
        u.contracted_per_child_dkk,
        u.paid_per_child_dkk,
    from mart_unit_prices_monthly as u
    left join stg_catalogue as cat on cat.measure_code = u.measure_code
    where u.month between p_month - to_months(coalesce(p_months, 24) - 1) and p_month
),

chosen as (
    select * from prices where p_measure_label is null or measure_label = p_measure_label
),

final as (
    select
        measure_label,
        provider_type || ' · kontrakt' as series,
        month,
        round(contracted_per_child_dkk) as per_child_dkk,
    from chosen
    where contracted_per_child_dkk is not null
    union all
    select measure_label, provider_type || ' · betalt', month, round(paid_per_child_dkk),
    from chosen
    where paid_per_child_dkk is not null
)

select * from final
order by measure_label, series, month
