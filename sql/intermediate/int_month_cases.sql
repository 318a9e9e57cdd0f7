-- grain: one row per month of the spine and case active at the month's last day E (opened_on <= E and closed_on
--        empty or >= E)
-- key: month, case_id
-- reads: int_month_spine, stg_cases
-- The cases counted in the caseload on E (mart_caseload_monthly per team, mart_caseload_caseworker per caseworker).
with final as (
    select
        s.month,
        s.month_end,
        c.*,
    from int_month_spine as s
    inner join stg_cases as c
        on c.opened_on <= s.month_end and (c.closed_on is null or c.closed_on >= s.month_end)
)

select * from final
