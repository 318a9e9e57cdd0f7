-- grain: one row per month and KPI: its value, last month's and the same month last year's, and the changes
-- key: month, kpi_key
-- reads: mart_kpi_monthly
with wide as (
    select
        month,
        cast(f1_institution_children as double) as f1_institution_children,
        cast(f1_institution_starts_ytd as double) as f1_institution_starts_ytd,
        cast(f2_family_care_share as double) as f2_family_care_share,
        cast(f3_private_family_treatment_starts_ytd as double) as f3_private_family_treatment_starts_ytd,
        cast(f3_private_share_ytd as double) as f3_private_share_ytd,
        cast(f4_day_treatment_share as double) as f4_day_treatment_share,
        cast(f5_lost_earnings_ytd_dkk as double) as f5_lost_earnings_ytd_dkk,
        cast(f5_lost_earnings_prev_ytd_dkk as double) as f5_lost_earnings_prev_ytd_dkk,
        cast(budget_dkk as double) as budget_dkk,
        cast(actual_ytd_dkk as double) as actual_ytd_dkk,
        cast(forecast_dkk as double) as forecast_dkk,
        cast(overspend_dkk as double) as overspend_dkk,
        cast(overspend_target_dkk as double) as overspend_target_dkk,
        cast(caseload_per_fte as double) as caseload_per_fte,
        cast(turnover_12m as double) as turnover_12m,
        cast(tenure_under_1y_share as double) as tenure_under_1y_share,
        cast(tenure_under_2y_share as double) as tenure_under_2y_share,
    from mart_kpi_monthly
),

long as (
    unpivot include nulls wide
    on columns(* exclude (month))
    into name kpi_key value value
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
