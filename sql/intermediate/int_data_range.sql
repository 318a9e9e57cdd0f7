-- materialize: one row, read by every page (the month list, "data pr.") and many marts; computed once per import
-- grain: one row: the months the data covers, its "data as of" date and the default month to show
-- reads: stg_measures, stg_cases, stg_payments, stg_staff
-- data_as_of: the latest posting (payments are the extract's clock); without payments (a case system's export
-- alone), the latest decision, case opening or case closing: those are written when they happen, while starts, ends,
-- hires and departures may be planned years ahead; else the latest date recorded anywhere. The range runs from the first month with a measure, case or posting to the month of the
-- latest recorded date (starts, ends, decisions, cases, postings, hires, departures), but not past December
-- of data_as_of's year (a planned end in a later year does not stretch it). default_month: the latest month
-- that has ended by data_as_of (else the month data_as_of falls in).
with events as (
    select
        min(start_on) as first_on,
        max(greatest(start_on, coalesce(end_on, start_on), coalesce(decided_on, start_on))) as last_on,
    from stg_measures
    union all
    select min(opened_on), max(greatest(opened_on, coalesce(closed_on, opened_on))) from stg_cases
    union all
    select min(posted_on), max(posted_on) from stg_payments
    union all
    select null, max(greatest(hired_on, coalesce(left_on, hired_on))) from stg_staff
),

recorded as (
    select max(decided_on) as on_ from stg_measures
    union all
    select max(greatest(opened_on, coalesce(closed_on, opened_on))) from stg_cases
),

bounds as (
    select
        min(first_on) as first_on,
        max(last_on) as last_on,
        coalesce(
            (select max(posted_on) from stg_payments), (select max(on_) from recorded), max(last_on)
        ) as data_as_of,
    from events
),

final as (
    select
        cast(date_trunc('month', first_on) as date) as first_month,
        cast(date_trunc('month', least(last_on, make_date(year(data_as_of), 12, 31))) as date) as last_month,
        data_as_of,
        cast(case
            when last_day(data_as_of) = data_as_of then date_trunc('month', data_as_of)
            else greatest(date_trunc('month', data_as_of) - interval 1 month, date_trunc('month', first_on))
        end as date) as default_month,
    from bounds
    where first_on is not null
)

select * from final
