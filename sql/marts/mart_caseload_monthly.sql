-- grain: one row per month and team
-- key: month, team
-- reads: int_month_cases, int_month_staff
-- Cases active at the month-end by the team on the case, against the FTE of the team's raadgivere.
with cases as (
    select month, team, count(*) as n_cases,
    from int_month_cases
    group by all
),

fte as (
    select month, team, sum(fte) as raadgiver_fte, count(*) as n_raadgivere,
    from int_month_staff
    where role = 'raadgiver'
    group by all
),

final as (
    select
        coalesce(c.month, f.month) as month,
        coalesce(c.team, f.team) as team,
        coalesce(c.n_cases, 0) as n_cases,
        coalesce(f.raadgiver_fte, 0) as raadgiver_fte,
        coalesce(f.n_raadgivere, 0) as n_raadgivere,
        coalesce(c.n_cases, 0) / nullif(f.raadgiver_fte, 0) as caseload_per_fte,
    from cases as c
    full join fte as f on f.month = c.month and f.team = c.team
)

select * from final
