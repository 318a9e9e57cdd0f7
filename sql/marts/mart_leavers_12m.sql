-- grain: one row per month, role and leave reason
-- key: month, role, leave_reason
-- reads: int_month_spine, stg_staff
-- Employments ended (left_on) in the 12 calendar months ending with the month (as turnover_12m counts them).
with final as (
    select
        s.month,
        st.role,
        st.leave_reason,
        count(*) as n_leavers,
    from int_month_spine as s
    inner join stg_staff as st
        on st.left_on between cast(s.month - interval 11 month as date) and s.month_end
    group by all
)

select * from final
