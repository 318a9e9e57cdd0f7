-- grain: one row per month M of the spine: what measures commit for the rest of M's year
-- key: month
-- reads: int_month_spine, int_measure_month_cost
-- committed_dkk: the sum of cost_dkk over the months after M up to December of M's year.
with per_month as (
    select month, sum(cost_dkk) as cost_dkk,
    from int_measure_month_cost
    where version = 'current'
    group by month
),

final as (
    select
        s.month,
        coalesce(sum(p.cost_dkk), 0) as committed_dkk,
    from int_month_spine as s
    left join per_month as p
        on p.month > s.month
        and year(p.month) = s.year
    group by s.month
)

select * from final
