-- grain: one row per measure that differs between the previous import and this one
-- key: measure_id
-- reads: int_version_pair, measures_history, stg_measures
-- change_type: 'ny' (only now), 'fjernet' (only before), 'afsluttet' (end date set or moved earlier),
-- 'forlænget' (end date removed or moved later), 'pris' (monthly cost changed), 'ændret' (anything else).
with pair as (
    select * from int_version_pair
),

prev as (
    select h.* exclude (version_id),
    from measures_history as h
    inner join pair on h.version_id = pair.previous_version_id
),

joined as (
    select
        coalesce(c.measure_id, p.measure_id) as measure_id,
        c.measure_id is not null as in_current,
        p.measure_id is not null as in_previous,
        p.end_on as previous_end_on,
        c.end_on as current_end_on,
        p.monthly_cost_dkk as previous_monthly_cost_dkk,
        c.monthly_cost_dkk as current_monthly_cost_dkk,
        (p.child_id, p.measure_code, p.provider_type, p.provider_name, p.start_on, p.decided_on)
            is distinct from (c.child_id, c.measure_code, c.provider_type, c.provider_name, c.start_on, c.decided_on)
            as other_changed,
    from stg_measures as c
    full join prev as p on p.measure_id = c.measure_id
    where (select previous_version_id from pair) is not null
),

final as (
    select
        measure_id,
        case
            when not in_previous then 'ny'
            when not in_current then 'fjernet'
            when previous_end_on is distinct from current_end_on
                and coalesce(current_end_on, date '9999-12-31') < coalesce(previous_end_on, date '9999-12-31')
                then 'afsluttet'
            when previous_end_on is distinct from current_end_on then 'forlænget'
            when previous_monthly_cost_dkk is distinct from current_monthly_cost_dkk then 'pris'
            else 'ændret'
        end as change_type,
        previous_end_on,
        current_end_on,
        previous_monthly_cost_dkk,
        current_monthly_cost_dkk,
    from joined
    where not in_previous or not in_current or other_changed
        or previous_end_on is distinct from current_end_on
        or previous_monthly_cost_dkk is distinct from current_monthly_cost_dkk
)

select * from final
