-- grain: one row per month, staff group (all staff, raadgivere) and seniority band
-- key: month, staff_group, band_no
-- reads: int_month_spine, int_month_staff
-- Staff active at the month-end E by seniority: under 1 year (hired_on after E minus 1 calendar year, as
-- tenure_under_1y_share counts), 1–2, 2–5 and 5 years or more. staff_share is the band's share of the group;
-- cumulative_share the share with less seniority than the band's upper bound (under 1, 2, 5 years; 1 for the last).
with groups as (
    select * from (values ('alle'), ('raadgiver')) as g(staff_group)
),

bands as (
    select * from (values
        (1, 'Under 1 år', 0, 1),
        (2, '1–2 år', 1, 2),
        (3, '2–5 år', 2, 5),
        (4, '5 år og mere', 5, null)
    ) as b(band_no, tenure_band, from_years, to_years)
),

active as (
    select
        s.month,
        g.staff_group,
        case
            when st.hired_on > cast(s.month_end - interval 1 year as date) then 1
            when st.hired_on > cast(s.month_end - interval 2 year as date) then 2
            when st.hired_on > cast(s.month_end - interval 5 year as date) then 3
            else 4
        end as band_no,
    from int_month_spine as s
    cross join groups as g
    inner join int_month_staff as st
        on st.month = s.month
        and (g.staff_group = 'alle' or st.role = g.staff_group)
),

counted as (
    select month, staff_group, band_no, count(*) as n_staff,
    from active
    group by all
),

grid as (
    select s.month, g.staff_group, b.band_no, b.tenure_band, coalesce(c.n_staff, 0) as n_staff,
    from int_month_spine as s
    cross join groups as g
    cross join bands as b
    left join counted as c on c.month = s.month and c.staff_group = g.staff_group and c.band_no = b.band_no
),

final as (
    select
        month,
        staff_group,
        band_no,
        tenure_band,
        n_staff,
        n_staff / nullif(sum(n_staff) over (partition by month, staff_group), 0) as staff_share,
        sum(n_staff) over (partition by month, staff_group order by band_no)
            / nullif(sum(n_staff) over (partition by month, staff_group), 0) as cumulative_share,
    from grid
)

select * from final
