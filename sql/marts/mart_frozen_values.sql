-- live: reads frozen_kpis, which `python -m mi freeze` writes after the build, so it stays a view
-- grain: one row per month and key: the spec's KPIs and the counts behind them (kpi_frozen_keys), for every
--        month of the data and every frozen month
-- key: month, kpi_key
-- reads: mart_kpi_values, frozen_kpis, data_versions
-- value is the committee's figure: the frozen value where the key was frozen for the month, else today's.
-- is_revised: today's value differs from the frozen one (also when one of them is empty or the month has left
-- the data); revision = current_value - frozen_value.
-- Two counts the pack's protection needs are derived here from the committee's figures of their parts (so a
-- frozen month gets them from its frozen parts, also when it was frozen before they existed); they are not
-- stored (is_frozen false, never revised): n_placed_children, the placement table's total (its four rows;
-- empty when one of them is), and n_other_family_treatment_starts_ytd, the family-treatment starts not bought
-- from private providers (all starts - private starts, an empty one as 0).
with current_values as (
    select month, kpi_key, value, from mart_kpi_values
),

current_version as (
    select max(version_id) as version_id, from data_versions
),

joined as (
    select
        coalesce(c.month, f.month) as month,
        coalesce(c.kpi_key, f.kpi_key) as kpi_key,
        c.value as current_value,
        f.value as frozen_value,
        f.kpi_key is not null as is_frozen,
        c.month is not null as is_in_data,
        f.version_id as frozen_version_id,
        f.frozen_at,
        dv.data_as_of as frozen_data_as_of,
        cv.version_id as current_version_id,
    from current_values as c
    full join frozen_kpis as f on f.month = c.month and f.kpi_key = c.kpi_key
    left join data_versions as dv on dv.version_id = f.version_id
    cross join current_version as cv
),

final as (
    select
        month,
        kpi_key,
        case when is_frozen then frozen_value else current_value end as value,
        current_value,
        frozen_value,
        is_frozen,
        is_frozen and case
            when frozen_value is null and current_value is null then not is_in_data
            when frozen_value is null or current_value is null then true
            else abs(current_value - frozen_value) > 1e-9 * greatest(1, abs(frozen_value))
        end as is_revised,
        current_value - frozen_value as revision,
        is_in_data,
        frozen_version_id,
        frozen_at,
        frozen_data_as_of,
        current_version_id,
    from joined
),

parts as (
    select
        month,
        count(value) filter (where kpi_key in ('f1_institution_children', 'n_network_children', 'n_foster_children', 'n_other_placed_children')) as n_placed_rows,
        count(current_value) filter (where kpi_key in ('f1_institution_children', 'n_network_children', 'n_foster_children', 'n_other_placed_children')) as n_placed_rows_today,
        sum(value) filter (where kpi_key in ('f1_institution_children', 'n_network_children', 'n_foster_children', 'n_other_placed_children')) as placed,
        sum(current_value) filter (where kpi_key in ('f1_institution_children', 'n_network_children', 'n_foster_children', 'n_other_placed_children')) as placed_today,
        coalesce(any_value(value) filter (where kpi_key = 'n_family_treatment_starts_ytd'), 0)
        - coalesce(any_value(value) filter (where kpi_key = 'f3_private_family_treatment_starts_ytd'), 0)
            as other_ft,
        coalesce(any_value(current_value) filter (where kpi_key = 'n_family_treatment_starts_ytd'), 0)
        - coalesce(any_value(current_value) filter (where kpi_key = 'f3_private_family_treatment_starts_ytd'), 0)
            as other_ft_today,
        bool_or(is_in_data) as is_in_data,
        any_value(current_version_id) as current_version_id,
    from final
    group by month
),

derived as (
    select
        p.month,
        d.kpi_key,
        d.value,
        d.current_value,
        cast(null as double) as frozen_value,
        false as is_frozen,
        false as is_revised,
        cast(null as double) as revision,
        p.is_in_data,
        cast(null as integer) as frozen_version_id,
        cast(null as timestamp) as frozen_at,
        cast(null as date) as frozen_data_as_of,
        p.current_version_id,
    from parts as p,
        lateral (values
        (
            'n_placed_children',
            case when p.n_placed_rows = 4 then p.placed end,
            case when p.n_placed_rows_today = 4 then p.placed_today end
        ),
        ('n_other_family_treatment_starts_ytd', p.other_ft, p.other_ft_today)
        ) as d(kpi_key, value, current_value)
)

select * from final
union all by name
select * from derived
