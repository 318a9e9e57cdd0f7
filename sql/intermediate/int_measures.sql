-- grain: one row per measure, with its catalogue entry
-- key: measure_id
-- reads: stg_measures, stg_catalogue
with final as (
    select
        m.measure_id,
        m.child_id,
        m.measure_code,
        c.label_da as measure_label,
        m.provider_type,
        m.provider_name,
        m.start_on,
        m.end_on,
        m.monthly_cost_dkk,
        m.decided_on,
        c.ladder_step,
        c.placement_type,
        c.focus_flag,
        c.budget_area,
        c.account_function,
        c.placement_type is not null as is_placement,
    from stg_measures as m
    left join stg_catalogue as c on c.measure_code = m.measure_code
)

select * from final
