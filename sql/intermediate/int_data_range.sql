-- grain: one row: the months the data covers, its "data as of" date and the default month to show
-- reads: stg_measures, stg_cases, stg_payments, stg_staff
-- data_as_of is the latest posting (payments are the extract's clock); without payments, the latest event.
-- The range runs from the first month with a measure, case or posting to the month of the latest event
-- (measure starts already decided for a later month included: they are commitments).
with events as (
    select min(start_on) as first_on, max(greatest(start_on, coalesce(decided_on, start_on))) as last_on
    from stg_measures
    union all
    select min(opened_on), max(greatest(opened_on, coalesce(closed_on, opened_on))) from stg_cases
    union all
    select min(posted_on), max(posted_on) from stg_payments
),

bounds as (
    select
        min(first_on) as first_on,
        max(last_on) as last_on,
        (select max(posted_on) from stg_payments) as last_posted_on,
    from events
),

final as (
    select
        cast(date_trunc('month', first_on) as date) as first_month,
        cast(date_trunc('month', last_on) as date) as last_month,
        coalesce(last_posted_on, last_on) as data_as_of,
        -- the latest month that has ended by data_as_of; else the month data_as_of falls in
        cast(case
            when last_day(coalesce(last_posted_on, last_on)) = coalesce(last_posted_on, last_on)
                then date_trunc('month', coalesce(last_posted_on, last_on))
            else greatest(
                date_trunc('month', coalesce(last_posted_on, last_on)) - interval 1 month,
                date_trunc('month', first_on)
            )
        end as date) as default_month,
    from bounds
    where first_on is not null
)

select * from final
