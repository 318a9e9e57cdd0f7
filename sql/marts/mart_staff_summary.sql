-- grain: one row per month of the data's range
-- key: month
-- reads: int_month_spine, int_month_staff, stg_staff, mart_kpi_monthly
-- The department's staff active at the month-end E (headcount = distinct employees, FTE), raadgivere alone,
-- employments starting in the 12 calendar months ending with the month, and leavers, mean headcount and
-- turnover_12m exactly as mart_kpi_monthly defines them.
with staff as (
    select
        s.month,
        count(distinct st.employee_id) as n_staff,
        round(sum(st.fte), 4) as fte,
        count(distinct st.employee_id) filter (where st.role = 'raadgiver') as n_raadgivere,
        round(sum(st.fte) filter (where st.role = 'raadgiver'), 4) as raadgiver_fte,
    from int_month_spine as s
    inner join int_month_staff as st on st.month = s.month
    group by s.month
),

hires as (
    select s.month, count(*) as n_hires_12m,
    from int_month_spine as s
    inner join stg_staff as st
        on st.hired_on between cast(s.month - interval 11 month as date) and s.month_end
    group by s.month
),

final as (
    select
        s.month,
        coalesce(st.n_staff, 0) as n_staff,
        coalesce(st.fte, 0) as fte,
        coalesce(st.n_raadgivere, 0) as n_raadgivere,
        coalesce(st.raadgiver_fte, 0) as raadgiver_fte,
        coalesce(h.n_hires_12m, 0) as n_hires_12m,
        k.n_leavers_12m,
        k.mean_headcount,
        k.turnover_12m,
    from int_month_spine as s
    left join staff as st on st.month = s.month
    left join hires as h on h.month = s.month
    left join mart_kpi_monthly as k on k.month = s.month
)

select * from final
