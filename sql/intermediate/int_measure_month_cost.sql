-- materialize: read by several marts; computed once per import
-- grain: one row per version, measure with a monthly cost and calendar month it is active in, from the first
-- month of the data to December of its last year ('current': this import; 'previous': the previous import's
-- rows of measures that changed since, for the list of changes)
-- key: version, month, measure_id
-- reads: int_data_range, int_measure_versions
-- cost_dkk = monthly_cost × (days active in the month ÷ days in the month); an empty end_on runs on
-- (for the forecast: to 31 December).
with months as (
    select
        cast(m as date) as month,
        cast(last_day(m) as date) as month_end,
        day(last_day(m)) as days_in_month,
    from int_data_range as r,
        generate_series(r.first_month, make_date(year(r.last_month), 12, 1), interval 1 month) as g(m)
),

final as (
    select
        me.version,
        mo.month,
        me.measure_id,
        me.child_id,
        me.measure_code,
        me.measure_label,
        me.provider_type,
        me.provider_name,
        me.budget_area,
        me.start_on,
        me.end_on,
        me.monthly_cost_dkk,
        date_diff(
            'day', greatest(me.start_on, mo.month), least(coalesce(me.end_on, mo.month_end), mo.month_end)
        ) + 1 as active_days,
        mo.days_in_month,
        cast(me.monthly_cost_dkk as double) * (
            date_diff(
                'day', greatest(me.start_on, mo.month), least(coalesce(me.end_on, mo.month_end), mo.month_end)
            ) + 1
        ) / mo.days_in_month as cost_dkk,
    from months as mo
    inner join int_measure_versions as me
        on me.monthly_cost_dkk is not null
        and me.start_on <= mo.month_end
        and (me.end_on is null or me.end_on >= mo.month)
)

select * from final
