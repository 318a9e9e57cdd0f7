-- live: reads frozen_kpis (through mart_frozen_values), written after the build, so it stays a view
-- grain: one row per month and KPI of the registry: the committee's figures (frozen where the month was frozen,
--        else today's), last month's and last year's committee figures, the changes and the status
-- key: month, kpi_key
-- reads: mart_frozen_values, kpi_registry, stg_settings
-- Columns and judging as mart_kpi_status, on the committee's figures, so a frozen month keeps its figures,
-- comparisons and status label; current_value and is_revised tell where today's data differ.
with v as (
    select * from mart_frozen_values
),

joined as (
    select
        cur.month,
        cur.kpi_key,
        cur.value,
        pm.value as prev_month_value,
        py.value as prev_year_value,
        cur.value - pm.value as change_month,
        cur.value - py.value as change_year,
        cur.current_value,
        cur.frozen_value,
        cur.is_frozen,
        cur.is_revised,
        cur.frozen_version_id,
        cur.frozen_at,
        cur.frozen_data_as_of,
        r.label,
        r.definition,
        r.unit,
        r.good,
        r.comparison,
        r.section,
        r.children_count,
        r.sort_order,
        t.value as overspend_target_dkk,
        st.caseload_norm_low as norm_low,
        st.caseload_norm_high as norm_high,
    from v as cur
    inner join kpi_registry as r on r.key = cur.kpi_key
    left join v as pm on pm.kpi_key = cur.kpi_key and pm.month = cast(cur.month - interval 1 month as date)
    left join v as py on py.kpi_key = cur.kpi_key and py.month = cast(cur.month - interval 1 year as date)
    left join v as t on t.kpi_key = 'overspend_target_dkk' and t.month = cur.month
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
