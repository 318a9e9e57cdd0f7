-- params: p_days
-- grain: one row per day of p_days (a list of dates; NULL: no days) and child with an active placement that day
-- reads: int_measures
-- Current placement on day D: among the child's placement measures active on D (start_on <= D and
-- (end_on empty or end_on >= D)), the one with the latest start_on; tie: the greatest measure_id. The one place
-- this is written: int_current_placement reads it for every month's last day, int_compliance_deadlines for "data
-- as of", int_compliance_items for the first day of each month's L12.
with days as (
    select unnest(p_days) as day
),

active as (
    select
        d.day,
        m.child_id,
        m.measure_id,
        m.measure_code,
        m.placement_type,
        m.ladder_step,
        m.start_on,
        m.provider_type,
    from days as d
    inner join int_measures as m
        on m.is_placement
        and m.start_on <= d.day
        and (m.end_on is null or m.end_on >= d.day)
),

final as (
    select * exclude (rn)
    from (
        select
            *,
            row_number() over (partition by day, child_id order by start_on desc, measure_id desc) as rn,
        from active
    )
    where rn = 1
)

select * from final
