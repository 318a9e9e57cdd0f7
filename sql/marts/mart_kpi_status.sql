-- grain: one row per month and KPI, with the registry's texts and its status against its comparison
-- key: month, kpi_key
-- reads: mart_kpi_judged
-- Today's figures as judged by mart_kpi_judged (the one place status is judged; the rules are written there).
with final as (
    select
        * exclude (
            figures, current_value, frozen_value, is_frozen, is_revised, frozen_version_id, frozen_at,
            frozen_data_as_of
        ),
    from mart_kpi_judged
    where figures = 'today'
)

select * from final
