-- grain: one row per month of the spine and employment active at the month's last day E (hired_on <= E and
--        left_on empty or >= E)
-- key: month, employee_id, hired_on
-- reads: int_month_spine, stg_staff
-- The staff on E, every role: caseload's raadgivere (mart_caseload_*), headcount, FTE and tenure (mart_staff_*,
-- mart_kpi_monthly).
with final as (
    select
        s.month,
        s.month_end,
        st.*,
    from int_month_spine as s
    inner join stg_staff as st
        on st.hired_on <= s.month_end and (st.left_on is null or st.left_on >= s.month_end)
)

select * from final
