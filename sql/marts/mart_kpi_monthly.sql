-- grain: one row per month of the data's range, one column per KPI of DOMAIN.md ("KPI definitions")
-- key: month
-- reads: int_month_spine, int_current_placement, int_measures, int_payments, int_month_commitments,
--        stg_pupils, stg_budget, int_month_cases, int_month_staff, stg_staff, stg_settings, mart_compliance_monthly
-- E = month_end, Y = year, YTD = year_start_on..E. Active on d: start <= d and (end empty or end >= d).
-- Shares are fractions; empty (null) when the denominator is 0. Sums of payments are 0 when none.
with spine as (
    select * from int_month_spine
),

placed as (
    select
        month,
        count(*) filter (where placement_type = 'institution') as n_institution,
        count(*) filter (where placement_type in ('netvaerk', 'plejefamilie')) as n_family_care,
        count(*) filter (where placement_type = 'netvaerk') as n_network,
        count(*) filter (where placement_type = 'plejefamilie') as n_foster,
        count(*) filter (where placement_type = 'anden') as n_other_placed,
    from int_current_placement
    group by month
),

-- the measures started in the year to date: at an institution (f1), family treatment (f3) and of it private
starts_ytd as (
    select
        s.month,
        count(m.measure_id) filter (where m.placement_type = 'institution') as n_institution,
        count(m.measure_id) filter (where m.focus_flag = 'family_treatment') as n_family_treatment,
        count(m.measure_id) filter (where m.focus_flag = 'family_treatment' and m.provider_type = 'privat')
            as n_private_family_treatment,
    from spine as s
    left join int_measures as m
        on m.start_on between s.year_start_on and s.month_end
    group by s.month
),

day_treatment as (
    select s.month, count(distinct m.child_id) as n_children,
    from spine as s
    left join int_measures as m
        on m.focus_flag = 'day_treatment'
        and m.start_on <= s.month_end
        and (m.end_on is null or m.end_on >= s.month_end)
    group by s.month
),

lost_earnings as (
    select
        s.month,
        coalesce(sum(p.amount_dkk) filter (where p.posted_on between s.year_start_on and s.month_end), 0)
            as ytd_dkk,
        coalesce(sum(p.amount_dkk) filter (
            where p.posted_on between s.prev_year_start_on and s.prev_year_month_end
        ), 0) as prev_ytd_dkk,
    from spine as s
    left join int_payments as p
        on p.focus_flag = 'lost_earnings'
        and p.posted_on between s.prev_year_start_on and s.month_end
    group by s.month
),

actual as (
    select s.month, coalesce(sum(p.amount_dkk), 0) as ytd_dkk,
    from spine as s
    left join int_payments as p on p.posted_on between s.year_start_on and s.month_end
    group by s.month
),

budget as (
    select year, sum(budget_dkk) as budget_dkk,
    from stg_budget
    group by year
),

caseload as (
    select
        s.month,
        (select count(*) from int_month_cases as c where c.month = s.month) as n_cases,
        (select sum(st.fte) from int_month_staff as st where st.month = s.month and st.role = 'raadgiver')
            as raadgiver_fte,
    from spine as s
),

turnover_months as (
    select
        s.month,
        cast(last_day(s.month - to_months(k)) as date) as month_end,
    from spine as s, range(12) as r(k)
),

headcount as (
    select
        tm.month,
        tm.month_end,
        count(distinct st.employee_id) as n_employees,
    from turnover_months as tm
    left join stg_staff as st
        on st.hired_on <= tm.month_end and (st.left_on is null or st.left_on >= tm.month_end)
    group by all
),

turnover as (
    select
        s.month,
        (select count(*) from stg_staff as st
            where st.left_on between cast(s.month - interval 11 month as date) and s.month_end
        ) as n_leavers,
        (select avg(h.n_employees) from headcount as h where h.month = s.month) as mean_headcount,
    from spine as s
),

tenure as (
    select
        s.month,
        count(st.employee_id) as n_staff,
        count(st.employee_id) filter (where st.hired_on > cast(s.month_end - interval 1 year as date)) as n_under_1y,
        count(st.employee_id) filter (where st.hired_on > cast(s.month_end - interval 2 year as date)) as n_under_2y,
    from spine as s
    left join int_month_staff as st on st.month = s.month
    group by s.month
),

final as (
    select
        s.month,
        s.month_end,
        s.year,
        coalesce(pl.n_institution, 0) as f1_institution_children,
        sy.n_institution as f1_institution_starts_ytd,
        coalesce(pl.n_family_care, 0)
            / nullif(coalesce(pl.n_family_care, 0) + coalesce(pl.n_institution, 0), 0)
            as f2_family_care_share,
        sy.n_private_family_treatment as f3_private_family_treatment_starts_ytd,
        sy.n_private_family_treatment / nullif(sy.n_family_treatment, 0) as f3_private_share_ytd,
        dt.n_children / nullif(pu.pupils, 0) as f4_day_treatment_share,
        cast(le.ytd_dkk as double) as f5_lost_earnings_ytd_dkk,
        cast(le.prev_ytd_dkk as double) as f5_lost_earnings_prev_ytd_dkk,
        cast(b.budget_dkk as double) as budget_dkk,
        cast(a.ytd_dkk as double) as actual_ytd_dkk,
        round(cast(a.ytd_dkk as double) + c.committed_dkk, 2) as forecast_dkk,
        round(cast(a.ytd_dkk as double) + c.committed_dkk - cast(b.budget_dkk as double), 2) as overspend_dkk,
        st.budget_baseline_overspend_dkk
            - st.budget_annual_reduction_dkk * (s.year - st.budget_baseline_year) as overspend_target_dkk,
        cl.n_cases / nullif(cl.raadgiver_fte, 0) as caseload_per_fte,
        t.n_leavers / nullif(t.mean_headcount, 0) as turnover_12m,
        te.n_under_1y / nullif(te.n_staff, 0) as tenure_under_1y_share,
        te.n_under_2y / nullif(te.n_staff, 0) as tenure_under_2y_share,
        -- compliance (contract v2): the municipality's row of mart_compliance_monthly; null without the table
        cm.c1_notifications,
        cm.c2_assessed_24h_share,
        cm.c3_investigations_on_time_share,
        cm.c4_investigations_overdue,
        cm.c5_child_talk_share,
        cm.c6_plan_share,
        cm.c7_follow_up_share,
        cm.c8_supervision_share,
        -- the counts behind the shares, for screens, suppression and footnotes
        coalesce(pl.n_family_care, 0) as n_family_care_children,
        coalesce(pl.n_family_care, 0) + coalesce(pl.n_institution, 0) as n_family_care_or_institution_children,
        -- the placement table's other rows, frozen with the KPIs: the committee's hiding of a frozen month
        coalesce(pl.n_network, 0) as n_network_children,
        coalesce(pl.n_foster, 0) as n_foster_children,
        coalesce(pl.n_other_placed, 0) as n_other_placed_children,
        sy.n_family_treatment as n_family_treatment_starts_ytd,
        dt.n_children as n_day_treatment_children,
        pu.pupils as n_pupils,
        cl.n_cases,
        cl.raadgiver_fte,
        t.n_leavers as n_leavers_12m,
        t.mean_headcount,
        te.n_staff,
        c.committed_dkk,
        -- the counts behind the compliance shares (c2, c3, c5: in L12; c6-c8: on E)
        cm.n_notifications_l12,
        cm.n_assessed_24h_l12,
        cm.n_completed_l12,
        cm.n_on_time_l12,
        cm.n_child_talk_l12,
        cm.n_plan_children,
        cm.n_with_plan_children,
        cm.n_follow_up_measures,
        cm.n_followed_up_measures,
        cm.n_supervision_children,
        cm.n_supervised_children,
    from spine as s
    cross join stg_settings as st
    left join placed as pl on pl.month = s.month
    left join starts_ytd as sy on sy.month = s.month
    left join day_treatment as dt on dt.month = s.month
    left join stg_pupils as pu on pu.school_year = s.school_year
    left join lost_earnings as le on le.month = s.month
    left join actual as a on a.month = s.month
    left join budget as b on b.year = s.year
    left join int_month_commitments as c on c.month = s.month
    left join caseload as cl on cl.month = s.month
    left join turnover as t on t.month = s.month
    left join tenure as te on te.month = s.month
    left join mart_compliance_monthly as cm on cm.month = s.month and cm.level = 'kommune'
)

select * from final
