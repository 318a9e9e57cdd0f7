-- grain: one row per deadline open on "data as of" (A): an open investigation, a follow-up or a supervision visit
-- key: deadline_kind, item_id
-- reads: int_data_range, int_compliance_investigations, int_measures, int_current_placement_on, stg_activities,
--        int_input_presence
-- deadline_kind:
--   undersoegelse  every investigation open on A (started_on <= A, completed_on empty or after A); due_on = its
--                  deadline, started_on + 4 months
--   opfoelgning    every measure of ladder step 3-6 active on A (as c7): due_on = 6 months after the latest
--                  opfoelgning for the measure done on or before A, or after its start_on when there is none
--   tilsyn         every child with a current placement on A (as c6, c8): due_on = 6 months after the latest tilsyn
--                  of the child done on or before A, or after the current placement's start_on when there is none
--                  (twice in 12 months: a visit every 6 months)
-- days_left = due_on - A (negative: overdue). is_listed: what the deadline list shows: every open investigation,
-- and the follow-ups and visits due within the 30 days after A (those already overdue included).
-- Rows only when the table they rest on was imported (int_input_presence).
with range_ as (
    select data_as_of as as_of_on, from int_data_range
),

presence as (
    select * from int_input_presence
),

investigations as (
    select
        'undersoegelse' as deadline_kind,
        i.investigation_id as item_id,
        i.child_id,
        null as measure_id,
        null as measure_code,
        i.started_on as basis_on,
        i.deadline_on as due_on,
    from int_compliance_investigations as i, range_ as r
    where i.started_on <= r.as_of_on
        and (i.completed_on is null or i.completed_on > r.as_of_on)
),

-- the follow-ups and visits open on A: each with what it runs from (the measure's or the current placement's start)
-- and the key its activities are recorded under (measure_id for opfoelgning, child_id for tilsyn)
recurring as (
    select
        'opfoelgning' as deadline_kind, m.measure_id as item_id, m.child_id, m.measure_id, m.measure_code, m.start_on,
    from int_measures as m, range_ as r
    where m.ladder_step between 3 and 6
        and m.start_on <= r.as_of_on
        and (m.end_on is null or m.end_on >= r.as_of_on)
    union all
    select 'tilsyn', p.child_id, p.child_id, p.measure_id, p.measure_code, p.start_on,
    from int_current_placement_on(p_days := [(select data_as_of from int_data_range)]) as p
),

last_done as (
    select
        a.activity as deadline_kind,
        case a.activity when 'opfoelgning' then a.measure_id else a.child_id end as item_id,
        max(a.done_on) as done_on,
    from stg_activities as a, range_ as r
    where a.activity in ('opfoelgning', 'tilsyn') and a.done_on <= r.as_of_on
    group by all
),

follow_ups_and_visits as (
    select
        o.deadline_kind,
        o.item_id,
        o.child_id,
        o.measure_id,
        o.measure_code,
        coalesce(l.done_on, o.start_on) as basis_on,
        cast(coalesce(l.done_on, o.start_on) + interval 6 month as date) as due_on,
    from recurring as o
    left join last_done as l on l.deadline_kind = o.deadline_kind and l.item_id = o.item_id
),

deadlines as (
    select * from investigations where (select has_investigations from presence)
    union all
    select * from follow_ups_and_visits where (select has_activities from presence)
),

final as (
    select
        d.*,
        r.as_of_on,
        d.due_on - r.as_of_on as days_left,
        d.due_on < r.as_of_on as is_overdue,
        d.deadline_kind = 'undersoegelse' or d.due_on <= cast(r.as_of_on + interval 30 day as date) as is_listed,
    from deadlines as d, range_ as r
)

select * from final
