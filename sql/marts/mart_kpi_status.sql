-- grain: one row per month and KPI, with the registry's texts and its status against its comparison
-- key: month, kpi_key
-- reads: mart_kpi_changes, mart_kpi_monthly, kpi_registry, stg_settings
-- good = down/up: compared with the same month (YTD: same period) last year; band: the caseload norm from
-- the settings; target: overspend against the political target. status is 'god', 'daarlig', 'neutral'
-- or 'ingen' (nothing to compare with); status_label says it in words (never colour alone).
with joined as (
    select
        c.*,
        r.label,
        r.definition,
        r.unit,
        r.good,
        r.comparison,
        r.section,
        r.children_count,
        r.sort_order,
        k.overspend_target_dkk,
        st.caseload_norm_low as norm_low,
        st.caseload_norm_high as norm_high,
    from mart_kpi_changes as c
    inner join kpi_registry as r on r.key = c.kpi_key
    inner join mart_kpi_monthly as k on k.month = c.month
    cross join stg_settings as st
),

judged as (
    select
        *,
        case good
            when 'band' then value
            when 'target' then overspend_target_dkk
            else prev_year_value
        end as comparison_value,
        case
            when value is null or good = 'none' then 'ingen'
            when good = 'band' then
                case when value > norm_high then 'daarlig' when value < norm_low then 'neutral' else 'god' end
            when good = 'target' then case when value <= overspend_target_dkk then 'god' else 'daarlig' end
            when prev_year_value is null then 'ingen'
            when value = prev_year_value then 'neutral'
            when (good = 'down') = (value < prev_year_value) then 'god'
            else 'daarlig'
        end as status,
    from joined
),

final as (
    select
        * exclude (overspend_target_dkk),
        case
            when status = 'ingen' then 'Ingen sammenligning'
            when good = 'band' and status = 'god' then 'Inden for normen'
            when good = 'band' and status = 'daarlig' then 'Over normen'
            when good = 'band' then 'Under normen'
            when good = 'target' and status = 'god' then 'På målet'
            when good = 'target' then 'Over målet'
            when status = 'neutral' then 'Uændret'
            when status = 'god' then 'Bedre end sidste år'
            else 'Dårligere end sidste år'
        end as status_label,
    from judged
)

select * from final
