-- grain: one row per month
-- key: month
-- reads: int_month_spine, mart_ladder_flows
-- Children whose step at this month-end differs from last month-end: up (higher step), down (lower),
-- new on the ladder (no step last month-end), off the ladder (no step this month-end). In the first month
-- of the data every child counts as new. The sums of mart_ladder_flows' pairs of steps (0 = not on the ladder;
-- a step is 1–6, so 0 never stands for a step): each child whose step changed is in exactly one pair.
with final as (
    select
        s.month,
        cast(coalesce(sum(f.n_children) filter (where f.step_before > 0 and f.step_now > f.step_before), 0)
            as bigint) as n_up,
        cast(coalesce(sum(f.n_children) filter (where f.step_now > 0 and f.step_now < f.step_before), 0)
            as bigint) as n_down,
        cast(coalesce(sum(f.n_children) filter (where f.step_before = 0), 0) as bigint) as n_new,
        cast(coalesce(sum(f.n_children) filter (where f.step_now = 0), 0) as bigint) as n_off,
    from int_month_spine as s
    left join mart_ladder_flows as f on f.month = s.month
    group by s.month
)

select * from final
