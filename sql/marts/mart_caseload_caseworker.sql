-- grain: one row per month and caseworker (pseudonymous employee id) with cases or employed as raadgiver
-- key: month, caseworker_id
-- reads: int_month_cases, int_month_staff
-- Row level for the leder role only: never shown to udvalg, never exported to oekonomi.
with cases as (
    select month, caseworker_id, count(*) as n_cases,
    from int_month_cases
    group by all
),

employed as (
    select month, employee_id as caseworker_id, any_value(team) as team, sum(fte) as fte,
    from int_month_staff
    where role = 'raadgiver'
    group by all
),

final as (
    select
        coalesce(c.month, e.month) as month,
        coalesce(c.caseworker_id, e.caseworker_id) as caseworker_id,
        coalesce(e.team, 'Ikke ansat som rådgiver') as team,
        coalesce(c.n_cases, 0) as n_cases,
        e.fte,
        coalesce(c.n_cases, 0) / nullif(e.fte, 0) as caseload_per_fte,
        e.caseworker_id is not null as is_employed,
    from cases as c
    full join employed as e on e.month = c.month and e.caseworker_id = c.caseworker_id
)

select * from final
