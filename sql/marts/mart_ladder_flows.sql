-- grain: one row per month and pair of steps a child moved between from last month-end to this month-end
-- key: month, step_before, step_now
-- reads: int_month_spine, int_child_step
-- The flows behind mart_ladder_moves, step by step: step_before is the child's step at last month-end, step_now at
-- this month-end (int_child_step); 0 = not on the ladder (new on it: step_before 0; off it: step_now 0). Only
-- children whose step changed. In the first month of the data every child counts as new.
with cur as (
    select month, child_id, ladder_step from int_child_step
),

prev as (
    select cast(month + interval 1 month as date) as month, child_id, ladder_step from int_child_step
),

pairs as (
    select
        coalesce(c.month, p.month) as month,
        coalesce(p.ladder_step, 0) as step_before,
        coalesce(c.ladder_step, 0) as step_now,
    from cur as c
    full join prev as p on p.month = c.month and p.child_id = c.child_id
),

final as (
    select
        pr.month,
        pr.step_before,
        pr.step_now,
        count(*) as n_children,
    from pairs as pr
    inner join int_month_spine as s on s.month = pr.month
    where pr.step_before <> pr.step_now
    group by all
)

select * from final
