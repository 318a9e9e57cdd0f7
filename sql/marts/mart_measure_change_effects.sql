-- grain: one row per month M, measure type and kind of change with an effect on M's forecast (two imports)
-- key: month, measure_type, change_type
-- reads: mart_measure_changes
-- The changed measures' effects on the forecast (effect_dkk, to the øre) summed by measure type (the catalogue's
-- label, else the code) and kind of change, with the number of measures behind each.
with final as (
    select
        month,
        coalesce(measure_label, measure_code) as measure_type,
        change_type,
        count(*) as n_measures,
        round(sum(effect_dkk), 2) as effect_dkk,
    from mart_measure_changes
    where effect_dkk is not null
    group by all
)

select * from final
