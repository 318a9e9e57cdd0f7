-- live: reads mart_frozen_values (frozen_kpis, written after the build), so it stays a view
-- grain: one row per kind of figures, month and KPI of the registry: figures = 'today' (today's data,
--        mart_kpi_changes) or 'committee' (the committee's figures: frozen where the month was frozen, else
--        today's, mart_frozen_values)
-- key: figures, month, kpi_key
-- reads: mart_kpi_changes, mart_frozen_values, kpi_registry, stg_settings
-- The one place a KPI's status is judged; mart_kpi_status (today) and mart_frozen_status (the committee) read it.
-- good = down/up: compared with the same month (YTD: same period) last year; band: the caseload norm from
-- the settings (within low..high, both ends included, is 'god'); target: overspend against the political
-- target of the same figures (on or below it is 'god'). status is 'god', 'daarlig', 'neutral' or 'ingen'
-- (nothing to compare with); status_label says it in words (never colour alone).
with today as (
    select
        'today' as figures,
        c.*,
        t.value as overspend_target_dkk,
    from mart_kpi_changes as c
    left join mart_kpi_changes as t on t.kpi_key = 'overspend_target_dkk' and t.month = c.month
),

committee_values as (
    select v.*,
    from mart_frozen_values as v
    semi join kpi_registry as r on r.key = v.kpi_key
),

committee as (
    select
        'committee' as figures,
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
        t.value as overspend_target_dkk,
    from committee_values as cur
    left join committee_values as pm
        on pm.kpi_key = cur.kpi_key and pm.month = cast(cur.month - interval 1 month as date)
    left join committee_values as py
        on py.kpi_key = cur.kpi_key and py.month = cast(cur.month - interval 1 year as date)
    left join committee_values as t on t.kpi_key = 'overspend_target_dkk' and t.month = cur.month
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
    from (select * from today union all by name select * from committee) as f
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
