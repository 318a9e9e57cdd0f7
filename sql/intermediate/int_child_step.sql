-- materialize: read by several marts; computed once per import
-- grain: one row per child per month-end on which the child has an active measure with a ladder step
-- key: month, child_id
-- reads: int_active_measures, int_current_placement
-- A child stands on one step: its current placement's step when placed, else the highest step among its
-- active measures (measures without a step, such as lost earnings, put no child on the ladder).
with highest as (
    select month, child_id, max(ladder_step) as ladder_step,
    from int_active_measures
    where ladder_step is not null
    group by all
),

final as (
    select
        h.month,
        h.child_id,
        coalesce(p.ladder_step, h.ladder_step) as ladder_step,
    from highest as h
    left join int_current_placement as p on p.month = h.month and p.child_id = h.child_id
)

select * from final
