-- materialize: read by several marts; computed once per import
-- grain: one row per payment, with its effective measure code and catalogue entry
-- key: payment_id
-- reads: stg_payments, stg_measures, stg_catalogue
-- A payment's code is its own measure_code, else its measure's. Its account is its own, else the code's
-- account function. Provider and child fall back to the measure's.
with final as (
    select
        p.payment_id,
        p.posted_on,
        cast(date_trunc('month', p.posted_on) as date) as month,
        p.amount_dkk,
        p.measure_id,
        coalesce(p.measure_code, m.measure_code) as measure_code,
        c.label_da as measure_label,
        coalesce(p.child_id, m.child_id) as child_id,
        coalesce(p.provider_name, m.provider_name, 'Ukendt leverandør') as provider_name,
        coalesce(m.provider_type, 'ukendt') as provider_type,
        coalesce(p.account, c.account_function, 'Ukendt konto') as account,
        c.account_function,
        coalesce(c.budget_area, 'Uden budgetområde') as budget_area,
        c.ladder_step,
        c.placement_type,
        c.focus_flag,
        p.description,
    from stg_payments as p
    left join stg_measures as m on m.measure_id = p.measure_id
    left join stg_catalogue as c on c.measure_code = coalesce(p.measure_code, m.measure_code)
)

select * from final
