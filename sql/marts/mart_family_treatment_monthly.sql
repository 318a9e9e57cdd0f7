-- grain: one row per month and provider type
-- key: month, provider_type
-- reads: int_month_spine, int_measures
-- Family-treatment courses (focus flag family_treatment) started in the month and year to date.
with types as (
    select s.month, s.year_start_on, s.month_end, p.provider_type,
    from int_month_spine as s,
        (values ('intern'), ('kommunal'), ('regional'), ('privat')) as p(provider_type)
),

final as (
    select
        t.month,
        t.provider_type,
        count(m.measure_id) filter (where m.start_on >= t.month) as n_starts,
        count(m.measure_id) as n_starts_ytd,
    from types as t
    left join int_measures as m
        on m.focus_flag = 'family_treatment'
        and m.provider_type = t.provider_type
        and m.start_on between t.year_start_on and t.month_end
    group by t.month, t.provider_type
)

select * from final
