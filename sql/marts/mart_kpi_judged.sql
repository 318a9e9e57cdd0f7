-- live: reads mart_frozen_values (frozen_kpis, written after the build), so it stays a view
-- grain: one row per kind of figures, month and KPI of the registry: figures = 'today' (today's data,
--        mart_kpi_values) or 'committee' (the committee's figures: frozen where the month was frozen, else
--        today's, mart_frozen_values), with last month's and last year's figures of the same kind and the changes
-- key: figures, month, kpi_key
-- reads: mart_kpi_values, mart_frozen_values, kpi_registry, stg_settings
-- The one place a KPI's status is judged; mart_kpi_status (today) and mart_frozen_status (the committee) read it.
-- good = down/up: compared with the same month (YTD: same period) last year; band: the caseload norm from
-- the settings (within low..high, both ends included, is 'god'); target: overspend against the political
-- target of the same figures (on or below it is 'god'). status is 'god', 'daarlig', 'neutral' or 'ingen'
-- (nothing to compare with); status_label says it in words (never colour alone).
-- today's figures (mart_kpi_values) and the committee's (mart_frozen_values), the registry's KPIs only
with figures_values as (
    select 'today' as figures, month, kpi_key, value,
    from mart_kpi_values
    union all by name
    select
        'committee' as figures,
        month,
        kpi_key,
        value,
        current_value,
        frozen_value,
        is_frozen,
        is_revised,
        frozen_version_id,
        frozen_at,
        frozen_data_as_of,
    from mart_frozen_values
),

registered as (
    select v.*,
    from figures_values as v
    semi join kpi_registry as r on r.key = v.kpi_key
),

-- each figure with the same kind of figure last month and in the same month last year, and the changes
compared as (
    select
        cur.figures,
        cur.month,
        cur.kpi_key,
        cur.value,
        pm.value as prev_month_value,
        py.value as prev_year_value,
        cur.value - pm.value as change_month,
        cur.value - py.value as change_year,
        t.value as overspend_target_dkk,
        cur.* exclude (figures, month, kpi_key, value),
    from registered as cur
    left join registered as pm
        on pm.figures = cur.figures and pm.kpi_key = cur.kpi_key
        and pm.month = cast(cur.month - interval 1 month as date)
    left join registered as py
        on py.figures = cur.figures and py.kpi_key = cur.kpi_key
        and py.month = cast(cur.month - interval 1 year as date)
    left join registered as t
        on t.figures = cur.figures and t.kpi_key = 'overspend_target_dkk' and t.month = cur.month
),

joined as (
    select
        f.*,
        r.label,
        r.definition,
        r.unit,
        r.good,
        r.comparison,
        r.section,
        r.children_count,
        r.sort_order,
        st.caseload_norm_low as norm_low,
        st.caseload_norm_high as norm_high,
    from compared as f
    inner join kpi_registry as r on r.key = f.kpi_key
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
