-- live: reads frozen_kpis (through mart_frozen_values), written after the build, so it stays a view
-- grain: one row per month and placement type (netvaerk, plejefamilie, anden, institution)
-- key: month, placement_type
-- reads: mart_placements_monthly, mart_frozen_values
-- The committee's children by placement type at the month-end: for a frozen month the counts as frozen (stored
-- with the month's KPIs as focus point 1's counts: n_network_children, n_foster_children, n_other_placed_children,
-- f1_institution_children; mart_frozen_values' value), else today's (mart_placements_monthly summed over the
-- providers). A frozen month is published to the committee in one version, the frozen one (mi.pack's placement
-- table). is_frozen: the row is the frozen count.
with today as (
    select month, placement_type, sum(n_children) as n_children,
    from mart_placements_monthly
    group by all
),

frozen_keys as (
    select *
    from (values
        ('netvaerk', 'n_network_children'),
        ('plejefamilie', 'n_foster_children'),
        ('anden', 'n_other_placed_children'),
        ('institution', 'f1_institution_children')
    ) as k(placement_type, kpi_key)
),

frozen_counts as (
    select v.month, k.placement_type, v.value,
    from mart_frozen_values as v
    inner join frozen_keys as k on k.kpi_key = v.kpi_key
    where v.is_frozen and v.value is not null
),

final as (
    select
        t.month,
        t.placement_type,
        cast(coalesce(f.value, t.n_children) as bigint) as n_children,
        f.value is not null as is_frozen,
    from today as t
    left join frozen_counts as f on f.month = t.month and f.placement_type = t.placement_type
)

select * from final
