-- live: reads frozen_kpis (through mart_frozen_values), written after the build, so it stays a view
-- grain: one row per frozen month
-- key: month
-- reads: mart_frozen_values
-- is_revised: today's data of the month differ from the data it was frozen on in at least one frozen key (the
-- spec's KPIs and the counts behind them, mi.spec.support_keys). The committee sees a frozen month in one version,
-- the frozen one: where the month is revised, the figures of today's data that are not frozen (Indsatstrappen's
-- ladder, its moves and breakdowns) are withheld for udvalg (mi.ladder); n_revised_keys counts the keys.
with final as (
    select
        month,
        min(frozen_at) as frozen_at,
        min(frozen_version_id) as frozen_version_id,
        bool_or(is_revised) as is_revised,
        count(*) filter (where is_revised) as n_revised_keys,
    from mart_frozen_values
    where is_frozen
    group by month
)

select * from final
