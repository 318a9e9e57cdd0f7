-- grain: one row per month, measure code and provider type with an active costed measure or a payment
-- key: month, measure_code, provider_type
-- reads: int_month_spine, int_measures, int_payments
-- contracted_per_child_dkk: the monthly costs of measures active at the month-end ÷ distinct children on them;
-- paid_per_child_dkk: the month's postings on the code and provider type ÷ distinct children paid for.
with contracted as (
    select
        s.month,
        m.measure_code,
        m.provider_type,
        count(distinct m.child_id) as n_children_contracted,
        cast(sum(m.monthly_cost_dkk) as double) as contracted_dkk,
    from int_month_spine as s
    inner join int_measures as m
        on m.monthly_cost_dkk is not null
        and m.start_on <= s.month_end and (m.end_on is null or m.end_on >= s.month_end)
    group by all
),

paid as (
    select
        month,
        measure_code,
        provider_type,
        count(distinct child_id) as n_children_paid,
        cast(sum(amount_dkk) as double) as paid_dkk,
    from int_payments
    where measure_code is not null
    group by all
),

final as (
    select
        coalesce(c.month, p.month) as month,
        coalesce(c.measure_code, p.measure_code) as measure_code,
        coalesce(c.provider_type, p.provider_type) as provider_type,
        coalesce(c.n_children_contracted, 0) as n_children_contracted,
        c.contracted_dkk / nullif(c.n_children_contracted, 0) as contracted_per_child_dkk,
        coalesce(p.n_children_paid, 0) as n_children_paid,
        p.paid_dkk / nullif(p.n_children_paid, 0) as paid_per_child_dkk,
    from contracted as c
    full join paid as p
        on p.month = c.month and p.measure_code = c.measure_code and p.provider_type = c.provider_type
    where coalesce(c.month, p.month) in (select month from int_month_spine)
)

select * from final
