-- live: computed when read (one month at a time), not materialised
-- grain: one row per month M and measure with a cost committed for the months after M in M's year
-- key: month, measure_id
-- reads: int_month_spine, int_measure_month_finance
-- The list behind the forecast: each measure's committed_dkk for the rest of the year, with its finance dimensions
-- as the Økonomi screen names them (leder and oekonomi only: pseudonymous child ids).
with final as (
    select
        s.month,
        c.measure_id,
        any_value(c.child_id) as child_id,
        any_value(c.measure_code) as measure_code,
        any_value(c.measure_label) as measure_label,
        any_value(c.provider_type) as provider_type,
        any_value(c.provider_name) as provider_name,
        any_value(c.budget_area) as budget_area,
        any_value(c.account) as account,
        any_value(c.start_on) as start_on,
        any_value(c.end_on) as end_on,
        cast(any_value(c.monthly_cost_dkk) as double) as monthly_cost_dkk,
        sum(c.cost_dkk) as committed_dkk,
    from int_month_spine as s
    inner join int_measure_month_finance as c on c.month > s.month and year(c.month) = s.year
    group by s.month, c.measure_id
)

select * from final
