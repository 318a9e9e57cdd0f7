-- grain: one row per month
-- key: month
-- reads: int_month_spine, int_child_step
-- Children whose step at this month-end differs from last month-end: up (higher step), down (lower),
-- new on the ladder (no step last month-end), off the ladder (no step this month-end). In the first month
-- of the data every child counts as new.
with cur as (
    select month, child_id, ladder_step from int_child_step
),

prev as (
    select cast(month + interval 1 month as date) as month, child_id, ladder_step from int_child_step
),

pairs as (
    select
        coalesce(c.month, p.month) as month,
        c.ladder_step as step_now,
        p.ladder_step as step_before,
    from cur as c
    full join prev as p on p.month = c.month and p.child_id = c.child_id
),

final as (
    select
        s.month,
        count(pr.month) filter (where pr.step_now > pr.step_before) as n_up,
        count(pr.month) filter (where pr.step_now < pr.step_before) as n_down,
        count(pr.month) filter (where pr.step_before is null) as n_new,
        count(pr.month) filter (where pr.step_now is null) as n_off,
    from int_month_spine as s
    left join pairs as pr on pr.month = s.month
    group by s.month
)

select * from final
