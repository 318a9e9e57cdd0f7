-- grain: one row per month M and measure that changed between the previous import and this one; with a single
-- import, one row per measure started or ended in M instead (basis says which)
-- key: month, measure_id
-- reads: int_month_spine, int_version_pair, int_measure_changes, int_measure_versions, int_measure_month_cost
-- effect_dkk: what the change does to M's forecast: the measure's commitment for the months after M in M's year
-- on this import minus the same on the previous import.
with pair as (
    select * from int_version_pair
),

committed as (
    select
        s.month,
        c.measure_id,
        sum(c.cost_dkk) filter (where c.version = 'current') as current_dkk,
        sum(c.cost_dkk) filter (where c.version = 'previous') as previous_dkk,
    from int_month_spine as s
    inner join int_measure_month_cost as c on c.month > s.month and year(c.month) = s.year
    where c.measure_id in (select measure_id from int_measure_changes)
    group by all
),

compared as (
    select
        s.month,
        ch.measure_id,
        'sammenlignet med forrige indlæsning' as basis,
        ch.change_type,
        ch.previous_end_on,
        ch.current_end_on,
        cast(ch.previous_monthly_cost_dkk as double) as previous_monthly_cost_dkk,
        cast(ch.current_monthly_cost_dkk as double) as current_monthly_cost_dkk,
        coalesce(c.current_dkk, 0) - coalesce(c.previous_dkk, 0) as effect_dkk,
    from int_month_spine as s
    cross join int_measure_changes as ch
    left join committed as c on c.month = s.month and c.measure_id = ch.measure_id
),

single as (
    select
        s.month,
        m.measure_id,
        'kun én indlæsning: startet eller afsluttet i måneden' as basis,
        case
            when m.start_on >= s.month and m.end_on <= s.month_end then 'startet og afsluttet'
            when m.start_on >= s.month then 'startet'
            else 'afsluttet'
        end as change_type,
        null::date as previous_end_on,
        m.end_on as current_end_on,
        null::double as previous_monthly_cost_dkk,
        cast(m.monthly_cost_dkk as double) as current_monthly_cost_dkk,
        null::double as effect_dkk,
    from int_month_spine as s
    inner join int_measure_versions as m
        on m.version = 'current'
        and (m.start_on between s.month and s.month_end or m.end_on between s.month and s.month_end)
    where (select previous_version_id from pair) is null
),

both_ as (
    select * from compared
    union all
    select * from single
),

final as (
    select
        b.*,
        coalesce(cur.child_id, prev.child_id) as child_id,
        coalesce(cur.measure_code, prev.measure_code) as measure_code,
        coalesce(cur.measure_label, prev.measure_label) as measure_label,
        coalesce(cur.provider_type, prev.provider_type) as provider_type,
        coalesce(cur.provider_name, prev.provider_name) as provider_name,
        coalesce(cur.budget_area, prev.budget_area) as budget_area,
        coalesce(cur.start_on, prev.start_on) as start_on,
    from both_ as b
    left join int_measure_versions as cur on cur.version = 'current' and cur.measure_id = b.measure_id
    left join int_measure_versions as prev on prev.version = 'previous' and prev.measure_id = b.measure_id
)

select * from final
