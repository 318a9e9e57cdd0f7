-- grain: one row per month posted and budget area, measure code, provider type, provider and account
-- key: month, budget_area, measure_code, provider_type, provider_name, account
-- reads: int_payments
with payments as (
    select
        * replace (coalesce(measure_code, 'UKENDT') as measure_code),
        coalesce(measure_label, 'Ukendt indsats') as label,
    from int_payments
),

final as (
    select
        month,
        year(month) as year,
        budget_area,
        measure_code,
        any_value(label) as measure_label,
        provider_type,
        provider_name,
        account,
        cast(sum(amount_dkk) as double) as amount_dkk,
        count(*) as n_payments,
        count(*) filter (where amount_dkk < 0) as n_refunds,
    from payments
    group by month, budget_area, measure_code, provider_type, provider_name, account
)

select * from final
