-- materialize: read by every page (the month list) and many marts; computed once per import
-- grain: one row per calendar month of the data's range
-- key: month
-- reads: int_data_range
-- month is the first day, month_end (E) the last; year (Y) is the calendar year; ytd runs year_start..month_end;
-- prev_* is the same period one year earlier; school_year is the school year (1 Aug–31 Jul) containing E.
with months as (
    select cast(m as date) as month
    from int_data_range as r,
        generate_series(r.first_month, r.last_month, interval 1 month) as g(m)
),

final as (
    select
        month,
        cast(last_day(month) as date) as month_end,
        year(month) as year,
        month(month) as month_no,
        make_date(year(month), 1, 1) as year_start_on,
        make_date(year(month) - 1, 1, 1) as prev_year_start_on,
        cast(last_day(month - interval 1 year) as date) as prev_year_month_end,
        cast(month - interval 1 month as date) as prev_month,
        cast(month - interval 1 year as date) as prev_year_month,
        case when month(month) >= 8 then year(month) else year(month) - 1 end as school_year_start,
        printf('%d/%02d',
            case when month(month) >= 8 then year(month) else year(month) - 1 end,
            (case when month(month) >= 8 then year(month) else year(month) - 1 end + 1) % 100
        ) as school_year,
    from months
)

select * from final
