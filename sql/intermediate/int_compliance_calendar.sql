-- grain: one row per calendar month of the data's range, with the days the compliance KPIs count from
-- key: month
-- reads: int_month_spine
-- Calendar arithmetic of DOMAIN.md ("contract v2"): d + k months is the same day number k months later, or that
-- month's last day when it is shorter (31 Oct + 4 months = 28/29 Feb); d - k months likewise. DuckDB's
-- `date + interval k month` does exactly this (it clamps to the month's end); the result is a timestamp, so it is
-- cast back to a date. Every compliance model uses that expression (tests/sql/test_compliance_kpis.py checks it).
-- l12_start_on: the first day of L12, the 12 months ending with M (the first day of the month 11 months before M);
-- follow_up_from_on: E - 6 months (c7 counts follow-ups done after it and on or before E).
with final as (
    select
        month,
        month_end,
        cast(month - interval 11 month as date) as l12_start_on,
        cast(month_end - interval 6 month as date) as follow_up_from_on,
    from int_month_spine
)

select * from final
