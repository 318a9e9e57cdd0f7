-- grain: one row per month M and budget area, measure type, provider type, provider and account function with
-- spending in M's year to M or a commitment for the months after M in M's year
-- key: month, budget_area, measure_label, provider_type, provider_name, account
-- reads: mart_spend_ytd, int_month_spine, int_measure_month_finance
-- The Økonomi screen's finance dimensions on one grain: actual spending to date and what the measures commit
-- for the rest of the year, so that every breakdown and filter gives forecast_dkk = actual_ytd_dkk +
-- committed_dkk exactly as mart_kpi_monthly's forecast_dkk. Materialised (a few thousand rows at national scale),
-- so the screen's breakdown and filter lists read it at once: committed_dkk is summed per month and finance
-- dimensions first, then over the months after M in M's year (as int_month_commitments does for the total), not
-- measure by measure (mart_commitments, the top-N list's source, is computed when read).
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

cost as (
    select
        month,
        budget_area,
        measure_label,
        provider_type,
        provider_name,
        account,
        sum(cost_dkk) as cost_dkk,
    from int_measure_month_finance
    group by all
),

committed as (
    select
        s.month,
        c.* exclude (month, cost_dkk),
        0.0 as actual_ytd_dkk,
        0.0 as actual_month_dkk,
        sum(c.cost_dkk) as committed_dkk,
    from int_month_spine as s
    inner join cost as c on c.month > s.month and year(c.month) = s.year
    group by all
),

final as (
    select
        * exclude (actual_month_dkk, actual_ytd_dkk, committed_dkk),
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
