-- grain: one row per month
-- key: month
-- reads: mart_kpi_monthly, int_month_spine
-- Pupils in school day-treatment at the month-end against the school year's pupils (f4).
with final as (
    select
        k.month,
        s.school_year,
        k.n_day_treatment_children,
        k.n_pupils,
        k.f4_day_treatment_share as day_treatment_share,
    from mart_kpi_monthly as k
    inner join int_month_spine as s on s.month = k.month
)

select * from final
