-- grain: one row per month and KPI: its value, last month's and the same month last year's, and the changes
-- key: month, kpi_key
-- reads: mart_kpi_monthly
with long as (
    select k.month, v.kpi_key, v.value,
    from mart_kpi_monthly as k,
        lateral (values
        ('f1_institution_children', cast(k.f1_institution_children as double)),
        ('f1_institution_starts_ytd', cast(k.f1_institution_starts_ytd as double)),
        ('f2_family_care_share', cast(k.f2_family_care_share as double)),
        ('f3_private_family_treatment_starts_ytd', cast(k.f3_private_family_treatment_starts_ytd as double)),
        ('f3_private_share_ytd', cast(k.f3_private_share_ytd as double)),
        ('f4_day_treatment_share', cast(k.f4_day_treatment_share as double)),
        ('f5_lost_earnings_ytd_dkk', cast(k.f5_lost_earnings_ytd_dkk as double)),
        ('f5_lost_earnings_prev_ytd_dkk', cast(k.f5_lost_earnings_prev_ytd_dkk as double)),
        ('budget_dkk', cast(k.budget_dkk as double)),
        ('actual_ytd_dkk', cast(k.actual_ytd_dkk as double)),
        ('forecast_dkk', cast(k.forecast_dkk as double)),
        ('overspend_dkk', cast(k.overspend_dkk as double)),
        ('overspend_target_dkk', cast(k.overspend_target_dkk as double)),
        ('caseload_per_fte', cast(k.caseload_per_fte as double)),
        ('turnover_12m', cast(k.turnover_12m as double)),
        ('tenure_under_1y_share', cast(k.tenure_under_1y_share as double)),
        ('tenure_under_2y_share', cast(k.tenure_under_2y_share as double)),
        ('c1_notifications', cast(k.c1_notifications as double)),
        ('c2_assessed_24h_share', cast(k.c2_assessed_24h_share as double)),
        ('c3_investigations_on_time_share', cast(k.c3_investigations_on_time_share as double)),
        ('c4_investigations_overdue', cast(k.c4_investigations_overdue as double)),
        ('c5_child_talk_share', cast(k.c5_child_talk_share as double)),
        ('c6_plan_share', cast(k.c6_plan_share as double)),
        ('c7_follow_up_share', cast(k.c7_follow_up_share as double)),
        ('c8_supervision_share', cast(k.c8_supervision_share as double))
        ) as v(kpi_key, value)
),

final as (
    select
        cur.month,
        cur.kpi_key,
        cur.value,
        prev_m.value as prev_month_value,
        prev_y.value as prev_year_value,
        cur.value - prev_m.value as change_month,
        cur.value - prev_y.value as change_year,
    from long as cur
    left join long as prev_m
        on prev_m.kpi_key = cur.kpi_key and prev_m.month = cast(cur.month - interval 1 month as date)
    left join long as prev_y
        on prev_y.kpi_key = cur.kpi_key and prev_y.month = cast(cur.month - interval 1 year as date)
)

select * from final
