-- grain: one row per month, team and role
-- key: month, team, role
-- reads: int_month_spine, int_month_staff, stg_staff
-- Staff active at the month-end: headcount (distinct employees), FTE, hires and leavers in the month.
with active as (
    select month, team, role, count(distinct employee_id) as headcount, sum(fte) as fte,
    from int_month_staff
    group by all
),

hires as (
    select cast(date_trunc('month', hired_on) as date) as month, team, role, count(*) as n_hires,
    from stg_staff
    group by all
),

leavers as (
    select cast(date_trunc('month', left_on) as date) as month, team, role, count(*) as n_leavers,
    from stg_staff
    where left_on is not null
    group by all
),

keys as (
    select month, team, role from active
    union
    select h.month, h.team, h.role from hires as h inner join int_month_spine as s on s.month = h.month
    union
    select l.month, l.team, l.role from leavers as l inner join int_month_spine as s on s.month = l.month
),

final as (
    select
        k.month,
        k.team,
        k.role,
        coalesce(a.headcount, 0) as headcount,
        coalesce(a.fte, 0) as fte,
        coalesce(h.n_hires, 0) as n_hires,
        coalesce(l.n_leavers, 0) as n_leavers,
    from keys as k
    left join active as a on a.month = k.month and a.team = k.team and a.role = k.role
    left join hires as h on h.month = k.month and h.team = k.team and h.role = k.role
    left join leavers as l on l.month = k.month and l.team = k.team and l.role = k.role
)

select * from final
