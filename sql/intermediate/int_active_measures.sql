-- grain: one row per measure per month-end on which it is active
-- key: month, measure_id
-- reads: int_month_spine, int_measures
with final as (
    select
        s.month,
        s.month_end,
        m.*,
    from int_month_spine as s
    inner join int_measures as m
        on m.start_on <= s.month_end
        and (m.end_on is null or m.end_on >= s.month_end)
)

select * from final
