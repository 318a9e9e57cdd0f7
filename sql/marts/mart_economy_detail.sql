-- live: computed when read (one month at a time), not materialised
-- grain: one row per month M and budget area, measure type, provider type, provider and account function with
-- spending in M's year to M or a commitment for the months after M in M's year
-- key: month, budget_area, measure_label, provider_type, provider_name, account
-- reads: mart_spend_ytd, mart_commitments, stg_catalogue
-- The Økonomi screen's finance dimensions on one grain: actual spending to date and what the measures commit
-- for the rest of the year, so that every breakdown and filter gives forecast_dkk = actual_ytd_dkk +
-- committed_dkk exactly as mart_kpi_monthly's forecast_dkk.
with actual as (
    select
        month,
        budget_area,
        coalesce(measure_label, 'Ukendt indsats') as measure_label,
        provider_type,
        coalesce(provider_name, 'Ukendt leverandør') as provider_name,
        account,
        actual_ytd_dkk,
        coalesce(actual_month_dkk, 0) as actual_month_dkk,
        0.0 as committed_dkk,
    from mart_spend_ytd
),

committed as (
    select
        c.month,
        c.budget_area,
        coalesce(c.measure_label, 'Ukendt indsats') as measure_label,
        c.provider_type,
        coalesce(c.provider_name, 'Ukendt leverandør') as provider_name,
        coalesce(cat.account_function, 'Ukendt konto') as account,
        0.0 as actual_ytd_dkk,
        0.0 as actual_month_dkk,
        c.committed_dkk,
    from mart_commitments as c
    left join stg_catalogue as cat on cat.measure_code = c.measure_code
),

final as (
    select
        month,
        budget_area,
        measure_label,
        provider_type,
        provider_name,
        account,
        sum(actual_month_dkk) as actual_month_dkk,
        sum(actual_ytd_dkk) as actual_ytd_dkk,
        sum(committed_dkk) as committed_dkk,
    from (select * from actual union all by name select * from committed)
    group by all
)

select
    *,
    actual_ytd_dkk + committed_dkk as forecast_dkk,
from final
