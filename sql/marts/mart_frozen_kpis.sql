-- live: reads frozen_kpis, which `python -m mi freeze` writes after the build, so it stays a view
-- grain: one row per frozen month and key (the registry's KPIs and the counts behind the shares)
-- key: month, kpi_key
-- reads: mart_frozen_values
-- The committee's frozen figures against today's data: frozen_value as frozen (version, time, data as of),
-- current_value on the data of current_version_id; is_revised when they differ. A revision is shown as
-- frozen → current, marked "revideret"; the frozen row itself is never rewritten.
with final as (
    select
        month,
        kpi_key,
        frozen_value,
        current_value,
        is_revised,
        revision,
        is_in_data,
        frozen_version_id,
        frozen_at,
        frozen_data_as_of,
        current_version_id,
    from mart_frozen_values
    where is_frozen
)

select * from final
