-- materialize: read by the compliance marts and the caseworker attribution; computed once per import
-- grain: one row per thing a compliance KPI counts, on the day it is counted
-- key: kpi_group, event_month, item_id
-- reads: int_compliance_calendar, int_compliance_notifications, int_compliance_investigations,
--        int_current_placement, int_current_placement_on, int_measures, stg_activities, int_input_presence
-- kpi_group and what is_hit means (DOMAIN.md, "contract v2"; E = the month's last day, L12 = l12_start_on..E):
--   notification   one per notification, counted on its received date (c1; c2: is_hit = assessed within 24 h)
--   investigation  one per completed investigation, counted on completed_on (c3: is_hit = on time;
--                  c5: is_hit_2 = conversation with the child between started_on and completed_on)
--   overdue        per month: investigations open on E whose deadline is before E (c4), counted on E
--   plan           per month: children with a current placement on E (c6: is_hit = a plan for that placement's
--                  measure_id done on or before E), counted on E
--   follow_up      per month: measures of ladder step 3-6 active on E with start_on <= E - 6 months (c7: is_hit =
--                  an opfoelgning for the measure done after E - 6 months and on or before E), counted on E
--   supervision    per month: children with a current placement both on E and on L12's first day (c8: is_hit = at
--                  least 2 tilsyn done in L12), counted on E
-- Only the groups whose table was imported (int_input_presence).
-- event_month is the month of the counting day; the L12 shares (c2, c3, c5) add the months in the marts.
with cal as (
    select * from int_compliance_calendar
),

notifications as (
    select
        'notification' as kpi_group,
        cast(date_trunc('month', received_on) as date) as event_month,
        received_on as counted_on,
        child_id,
        notification_id as item_id,
        is_assessed_24h as is_hit,
        null::boolean as is_hit_2,
    from int_compliance_notifications
    where received_on is not null
),

completed as (
    select
        'investigation',
        cast(date_trunc('month', completed_on) as date),
        completed_on,
        child_id,
        investigation_id,
        is_on_time,
        has_child_talk,
    from int_compliance_investigations
    where completed_on is not null
),

overdue as (
    select 'overdue', c.month, c.month_end, i.child_id, i.investigation_id, true, null::boolean,
    from cal as c
    inner join int_compliance_investigations as i
        on i.started_on <= c.month_end
        and (i.completed_on is null or i.completed_on > c.month_end)
        and i.deadline_on < c.month_end
),

-- each measure's first plan: a plan done on or before E exists when the first is
first_plans as (
    select measure_id, min(done_on) as done_on,
    from stg_activities
    where activity = 'plan' and measure_id is not null
    group by measure_id
),

plan as (
    select
        'plan',
        p.month,
        p.month_end,
        p.child_id,
        p.child_id,
        coalesce(f.done_on <= p.month_end, false),
        null::boolean,
    from int_current_placement as p
    left join first_plans as f on f.measure_id = p.measure_id
),

follow_ups as (
    select distinct measure_id, done_on,
    from stg_activities
    where activity = 'opfoelgning' and measure_id is not null
),

-- the step 3-6 measures each month counts (active on E, started on or before E - 6 months), each with the
-- follow-ups done in its window (E - 6 months, E]
follow_up_measures as (
    select c.month, c.month_end, c.follow_up_from_on, m.child_id, m.measure_id,
    from cal as c
    inner join int_measures as m
        on m.ladder_step between 3 and 6
        and m.start_on <= c.follow_up_from_on
        and (m.end_on is null or m.end_on >= c.month_end)
),

follow_up as (
    select
        'follow_up',
        m.month,
        m.month_end,
        m.child_id,
        m.measure_id,
        count(f.measure_id) > 0,
        null::boolean,
    from follow_up_measures as m
    left join follow_ups as f
        on f.measure_id = m.measure_id
        and f.done_on > m.follow_up_from_on
        and f.done_on <= m.month_end
    group by all
),

placed_at_l12_start as (
    select c.month, p.child_id,
    from cal as c
    inner join int_current_placement_on(p_days := (select list(distinct l12_start_on) from cal)) as p
        on p.day = c.l12_start_on
),

visits as (
    select child_id, done_on,
    from stg_activities
    where activity = 'tilsyn'
),

supervision as (
    select
        'supervision',
        p.month,
        p.month_end,
        p.child_id,
        p.child_id,
        count(v.child_id) >= 2,
        null::boolean,
    from int_current_placement as p
    inner join cal as c on c.month = p.month
    inner join placed_at_l12_start as s on s.month = p.month and s.child_id = p.child_id
    left join visits as v on v.child_id = p.child_id and v.done_on between c.l12_start_on and p.month_end
    group by all
),

presence as (
    select * from int_input_presence
),

final as (
    select * from notifications where (select has_notifications from presence)
    union all
    select * from completed where (select has_investigations from presence)
    union all
    select * from overdue where (select has_investigations from presence)
    union all
    select * from plan where (select has_activities from presence)
    union all
    select * from follow_up where (select has_activities from presence)
    union all
    select * from supervision where (select has_activities from presence)
)

select * from final
