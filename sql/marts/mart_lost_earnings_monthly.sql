-- grain: one row per month
-- key: month
-- reads: int_month_spine, int_payments
-- Payments on lost earnings (focus flag lost_earnings) posted in the month, and cumulated over the year.
with monthly as (
    select
        s.month,
        s.year,
        s.month_no,
        coalesce(sum(p.amount_dkk), 0) as amount_dkk,
        count(distinct p.child_id) as n_children,
    from int_month_spine as s
    left join int_payments as p on p.focus_flag = 'lost_earnings' and p.month = s.month
    group by all
),

final as (
    select
        month,
        year,
        month_no,
        cast(amount_dkk as double) as amount_dkk,
        cast(sum(amount_dkk) over (partition by year order by month) as double) as amount_ytd_dkk,
        n_children,
    from monthly
)

select * from final
