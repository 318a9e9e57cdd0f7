-- grain: one row per deadline open on "data as of" (A): an open investigation, a follow-up or a supervision visit
-- key: deadline_kind, item_id
-- reads: int_data_range, int_compliance_investigations, int_measures, stg_activities, int_input_presence
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

last_follow_up as (
    select a.measure_id, max(a.done_on) as done_on,
    from stg_activities as a, range_ as r
    where a.activity = 'opfoelgning' and a.done_on <= r.as_of_on
    group by a.measure_id
),

follow_ups as (
    select
        'opfoelgning',
        m.measure_id,
        m.child_id,
        m.measure_id,
        m.measure_code,
        coalesce(f.done_on, m.start_on),
        cast(coalesce(f.done_on, m.start_on) + interval 6 month as date),
    from int_measures as m
    cross join range_ as r
    left join last_follow_up as f on f.measure_id = m.measure_id
    where m.ladder_step between 3 and 6
        and m.start_on <= r.as_of_on
        and (m.end_on is null or m.end_on >= r.as_of_on)
),

current_placement as (
    select * exclude (rn)
    from (
        select
            m.child_id,
            m.measure_id,
            m.measure_code,
            m.start_on,
            row_number() over (partition by m.child_id order by m.start_on desc, m.measure_id desc) as rn,
        from int_measures as m, range_ as r
        where m.is_placement
            and m.start_on <= r.as_of_on
            and (m.end_on is null or m.end_on >= r.as_of_on)
    )
    where rn = 1
),

last_visit as (
    select a.child_id, max(a.done_on) as done_on,
    from stg_activities as a, range_ as r
    where a.activity = 'tilsyn' and a.done_on <= r.as_of_on
    group by a.child_id
),

visits as (
    select
        'tilsyn',
        p.child_id,
        p.child_id,
        p.measure_id,
        p.measure_code,
        coalesce(v.done_on, p.start_on),
        cast(coalesce(v.done_on, p.start_on) + interval 6 month as date),
    from current_placement as p
    left join last_visit as v on v.child_id = p.child_id
),

deadlines as (
    select * from investigations where (select has_investigations from presence)
    union all
    select * from follow_ups where (select has_activities from presence)
    union all
    select * from visits where (select has_activities from presence)
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
