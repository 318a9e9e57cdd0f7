-- materialize: read by several marts; computed once per import
-- grain: one row per child per month-end on which the child has an active placement
-- key: month, child_id
-- reads: int_month_spine, int_measures
-- Current placement on day E: among the child's placement measures active on E (start_on <= E and
-- (end_on empty or end_on >= E)), the one with the latest start_on; tie: the greatest measure_id.
with active as (
    select
        s.month,
        s.month_end,
        m.child_id,
        m.measure_id,
        m.measure_code,
        m.placement_type,
        m.ladder_step,
        m.start_on,
        m.provider_type,
    from int_month_spine as s
    inner join int_measures as m
        on m.is_placement
        and m.start_on <= s.month_end
        and (m.end_on is null or m.end_on >= s.month_end)
),

final as (
    select * exclude (rn)
    from (
        select
            *,
            row_number() over (
                partition by month, child_id order by start_on desc, measure_id desc
            ) as rn,
        from active
    )
    where rn = 1
)

select * from final
