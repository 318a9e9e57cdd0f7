-- grain: one row per month and caseworker (pseudonymous employee id) with cases or employed as raadgiver
-- key: month, caseworker_id
-- reads: int_month_spine, stg_cases, stg_staff
-- Row level for the leder role only: never shown to udvalg, never exported to oekonomi.
with cases as (
    select s.month, c.caseworker_id, count(*) as n_cases,
    from int_month_spine as s
    inner join stg_cases as c
        on c.opened_on <= s.month_end and (c.closed_on is null or c.closed_on >= s.month_end)
    group by all
),

employed as (
    select s.month, st.employee_id as caseworker_id, any_value(st.team) as team, sum(st.fte) as fte,
    from int_month_spine as s
    inner join stg_staff as st
        on st.role = 'raadgiver'
        and st.hired_on <= s.month_end and (st.left_on is null or st.left_on >= s.month_end)
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
