-- materialize: read by several marts; computed once per import
-- grain: one row per child per month-end on which the child has an active placement
-- key: month, child_id
-- reads: int_month_spine, int_current_placement_on
-- Current placement on day E (the month's last day), as int_current_placement_on defines it: among the child's
-- placement measures active on E, the one with the latest start_on; tie: the greatest measure_id.
with final as (
    select
        s.month,
        s.month_end,
        p.* exclude (day),
    from int_month_spine as s
    inner join int_current_placement_on(p_days := (select list(month_end) from int_month_spine)) as p
        on p.day = s.month_end
)

select * from final
