-- grain: one row per month and placement type (netvaerk, plejefamilie, anden, institution) and provider type
-- key: month, placement_type, provider_type
-- reads: int_month_spine, int_current_placement
-- Children by their current placement at the month-end (a child counts once).
with types as (
    select s.month, t.placement_type, p.provider_type,
    from int_month_spine as s,
        (values ('netvaerk'), ('plejefamilie'), ('anden'), ('institution')) as t(placement_type),
        (values ('intern'), ('kommunal'), ('regional'), ('privat')) as p(provider_type)
),

counts as (
    select month, placement_type, provider_type, count(*) as n_children,
    from int_current_placement
    group by all
),

final as (
    select
        t.month,
        t.placement_type,
        t.provider_type,
        coalesce(c.n_children, 0) as n_children,
    from types as t
    left join counts as c
        on c.month = t.month and c.placement_type = t.placement_type and c.provider_type = t.provider_type
)

select * from final
