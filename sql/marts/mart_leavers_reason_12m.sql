-- grain: one row per month and leave reason
-- key: month, leave_reason
-- reads: mart_leavers_12m
-- Employments ended in the 12 calendar months ending with the month, by reason: all roles and raadgivere alone,
-- and the reason's share of all leavers (the numerator of turnover_12m).
with final as (
    select
        month,
        leave_reason,
        cast(sum(n_leavers) as bigint) as n_leavers,
        cast(coalesce(sum(n_leavers) filter (where role = 'raadgiver'), 0) as bigint) as n_raadgiver_leavers,
        cast(sum(n_leavers) as double) / sum(sum(n_leavers)) over (partition by month) as leavers_share,
    from mart_leavers_12m
    group by month, leave_reason
)

select * from final
