-- materialize: read by several marts; computed once per import
-- grain: one row per measure and version: every measure of this import ('current') and of the import the
-- previous month's figures rest on ('previous', from measures_history), with their catalogue entries
-- key: version, measure_id
-- reads: stg_measures, measures_history, int_version_pair, stg_catalogue
with rows_ as (
    select 'current' as version, * from stg_measures
    union all
    select 'previous' as version, h.* exclude (version_id),
    from measures_history as h
    inner join int_version_pair as v on h.version_id = v.previous_version_id
),

final as (
    select
        r.version,
        r.measure_id,
        r.child_id,
        r.measure_code,
        c.label_da as measure_label,
        r.provider_type,
        coalesce(r.provider_name, 'Ukendt leverandør') as provider_name,
        r.start_on,
        r.end_on,
        r.monthly_cost_dkk,
        r.decided_on,
        c.ladder_step,
        c.placement_type,
        c.focus_flag,
        coalesce(c.budget_area, 'Uden budgetområde') as budget_area,
        c.account_function,
        c.placement_type is not null as is_placement,
    from rows_ as r
    left join stg_catalogue as c on c.measure_code = r.measure_code
)

select * from final
