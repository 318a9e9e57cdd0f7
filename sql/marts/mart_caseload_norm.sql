-- grain: one row per month and unit: the whole department, each team and each caseworker (pseudonymous id)
-- key: month, level, unit
-- reads: mart_kpi_monthly, mart_caseload_monthly, mart_caseload_caseworker, stg_settings
-- Caseload (cases per raadgiver FTE at the month-end) against the norm band of the settings (caseload.norm_low/
-- norm_high, inclusive, as mart_kpi_status judges it): norm_status 'under', 'inden', 'over', or null without FTE.
-- level 'afdeling' (unit 'Hele afdelingen'), 'team' (unit = team), 'raadgiver' (unit = caseworker_id; leder only:
-- never shown to udvalg or oekonomi). Caseworkers holding cases without a raadgiver employment have no FTE.
with units as (
    select month, 'afdeling' as level, 'Hele afdelingen' as unit, null as team,
        n_cases, raadgiver_fte as fte, caseload_per_fte,
    from mart_kpi_monthly
    union all
    select month, 'team', team, team, n_cases, raadgiver_fte, caseload_per_fte,
    from mart_caseload_monthly
    union all
    select month, 'raadgiver', caseworker_id, team, n_cases, fte, caseload_per_fte,
    from mart_caseload_caseworker
),

final as (
    select
        u.month,
        u.level,
        u.unit,
        u.team,
        u.n_cases,
        u.fte,
        u.caseload_per_fte,
        st.caseload_norm_low as norm_low,
        st.caseload_norm_high as norm_high,
        case
            when u.caseload_per_fte is null then null
            when u.caseload_per_fte < st.caseload_norm_low then 'under'
            when u.caseload_per_fte > st.caseload_norm_high then 'over'
            else 'inden'
        end as norm_status,
    from units as u
    cross join stg_settings as st
)

select * from final
