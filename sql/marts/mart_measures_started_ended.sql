-- grain: one row per month M and measure type with a measure started or ended in M (a single import: the
-- Økonomi screen's list when there is no previous import to compare with)
-- key: month, measure_type
-- reads: mart_measure_changes
-- n_started, n_ended: measures started (ended) in the month, a measure that did both counted in each;
-- started_monthly_dkk, ended_monthly_dkk: their monthly costs together, in whole kroner.
with final as (
    select
        month,
        coalesce(measure_label, measure_code) as measure_type,
        count(*) filter (where change_type like 'startet%') as n_started,
        count(*) filter (where change_type like '%afsluttet') as n_ended,
        round(sum(current_monthly_cost_dkk) filter (where change_type like 'startet%')) as started_monthly_dkk,
        round(sum(current_monthly_cost_dkk) filter (where change_type like '%afsluttet')) as ended_monthly_dkk,
    from mart_measure_changes
    where effect_dkk is null
    group by all
)

select * from final
