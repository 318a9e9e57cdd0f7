-- grain: one row per month M of the spine: what measures commit for the rest of M's year
-- key: month
-- reads: int_month_spine, int_month_cost
-- committed_dkk: the sum of cost_dkk over the months after M up to December of M's year.
with final as (
    select
        s.month,
        coalesce(sum(p.cost_dkk), 0) as committed_dkk,
    from int_month_spine as s
    left join int_month_cost as p
        on p.month > s.month
        and year(p.month) = s.year
    group by s.month
)

select * from final
