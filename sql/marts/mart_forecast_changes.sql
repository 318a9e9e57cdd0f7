-- grain: one row per month M: this import's forecast for M against the previous import's, explained
-- key: month
-- reads: int_month_spine, int_version_pair, payments_history, int_measure_month_cost, mart_kpi_monthly,
--        mart_measure_changes
-- previous_forecast_dkk is computed from the previous import's own rows (its payments by month and its
-- measures): actual to M plus its commitments after M. The change then splits into the change in actual
-- spending (payments added or corrected) and the effects of the changed measures; unexplained_dkk is what is
-- left (0 within the forecasts' own rounding).
with pair as (
    select * from int_version_pair
),

prev_actual as (
    select
        s.month,
        coalesce(sum(h.amount_dkk), 0) as actual_ytd_dkk,
    from int_month_spine as s
    left join payments_history as h
        on h.version_id = (select previous_version_id from pair)
        and h.posted_year = s.year and h.posted_month <= s.month_no
    group by s.month
),

prev_committed as (
    select s.month, coalesce(sum(c.cost_dkk), 0) as committed_dkk,
    from int_month_spine as s
    left join int_measure_month_cost as c
        on c.version = 'previous' and c.month > s.month and year(c.month) = s.year
    group by s.month
),

effects as (
    select month, coalesce(sum(effect_dkk), 0) as effects_dkk, count(*) as n_changes,
    from mart_measure_changes
    where effect_dkk is not null
    group by month
),

final as (
    select
        k.month,
        (select previous_version_id from pair) is not null as has_previous,
        (select current_version_id from pair) as current_version_id,
        (select previous_version_id from pair) as previous_version_id,
        k.forecast_dkk,
        case when (select previous_version_id from pair) is not null then
            round(cast(pa.actual_ytd_dkk as double) + pc.committed_dkk, 2)
        end as previous_forecast_dkk,
        case when (select previous_version_id from pair) is not null then
            k.actual_ytd_dkk - cast(pa.actual_ytd_dkk as double)
        end as actual_change_dkk,
        coalesce(e.effects_dkk, 0) as effects_dkk,
        coalesce(e.n_changes, 0) as n_changes,
    from mart_kpi_monthly as k
    inner join prev_actual as pa on pa.month = k.month
    inner join prev_committed as pc on pc.month = k.month
    left join effects as e on e.month = k.month
)

select
    *,
    -- the two forecasts are each rounded to the øre: a rest within ±1 øre is their rounding, not a change
    case
        when n_changes > 0 and abs(forecast_dkk - previous_forecast_dkk - actual_change_dkk - effects_dkk) < 0.0101
            then 0
        else round(forecast_dkk - previous_forecast_dkk - actual_change_dkk - effects_dkk, 2)
    end as unexplained_dkk,
from final
