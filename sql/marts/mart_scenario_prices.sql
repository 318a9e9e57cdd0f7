-- grain: one row per month and price key with a measure active at the month-end that has a monthly cost: a
-- measure code ('ANBR_OPHOLDSSTED') and the code narrowed to a provider type ('FAMILIEBEHANDLING/privat')
-- key: month, price_key
-- reads: int_month_spine, int_measures
-- The unit price of DOMAIN.md "Scenarios": price_dkk is the mean monthly_cost_dkk of the measures with the code
-- (and provider type, when the key names one) active on E that have a monthly_cost_dkk; n_measures is how many
-- measures the mean is over (a price from few measures is uncertain). Not mart_unit_prices_monthly, which is
-- the monthly cost per child (Økonomi).
with active as (
    select
        s.month,
        m.measure_code,
        m.provider_type,
        cast(m.monthly_cost_dkk as double) as monthly_cost_dkk,
    from int_month_spine as s
    inner join int_measures as m
        on m.monthly_cost_dkk is not null
        and m.start_on <= s.month_end
        and (m.end_on is null or m.end_on >= s.month_end)
),

by_code as (
    select
        month,
        measure_code as price_key,
        measure_code,
        cast(null as varchar) as provider_type,
        avg(monthly_cost_dkk) as price_dkk,
        count(*) as n_measures,
    from active
    group by month, measure_code
),

by_provider as (
    select
        month,
        measure_code || '/' || provider_type as price_key,
        measure_code,
        provider_type,
        avg(monthly_cost_dkk) as price_dkk,
        count(*) as n_measures,
    from active
    group by month, measure_code, provider_type
),

final as (
    select * from by_code
    union all
    select * from by_provider
)

select * from final
