-- materialize: the attribution every compliance figure per team and caseworker rests on; computed once per import
-- grain: one row per child and period in which the same case decides the child's caseworker
-- key: child_id, valid_from
-- reads: stg_cases
-- A child's caseworker on day d (DOMAIN.md): the caseworker of the child's case active on d (opened_on <= d and
-- closed_on empty or >= d) with the latest opened_on; tie: the greatest case_id. No such case: 'uden sag' (team
-- 'Uden sag'). The cases active for a child change only on an opened_on or the day after a closed_on, so between two
-- such days one case decides: each period runs from one of them (valid_from) to the day before the next (valid_to;
-- empty: onwards). A day before the child's first case, or a child without cases, has no period: 'uden sag' as
-- well (the readers join with a left join). team is the team of the deciding case.
with points as (
    select child_id, opened_on as point_on, from stg_cases
    union
    select child_id, cast(closed_on + interval 1 day as date), from stg_cases where closed_on is not null
),

ranked as (
    select
        p.child_id,
        p.point_on,
        c.case_id,
        c.caseworker_id,
        c.team,
        row_number() over (
            partition by p.child_id, p.point_on order by c.opened_on desc nulls last, c.case_id desc nulls last
        ) as rn,
    from points as p
    left join stg_cases as c
        on c.child_id = p.child_id
        and c.opened_on <= p.point_on
        and (c.closed_on is null or c.closed_on >= p.point_on)
),

final as (
    select
        child_id,
        point_on as valid_from,
        cast(lead(point_on) over (partition by child_id order by point_on) - interval 1 day as date) as valid_to,
        case_id,
        coalesce(caseworker_id, 'uden sag') as caseworker_id,
        case when case_id is null then 'Uden sag' else team end as team,
    from ranked
    where rn = 1
)

select * from final
