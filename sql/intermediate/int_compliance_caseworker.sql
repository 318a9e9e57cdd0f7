-- materialize: the attribution every compliance figure per team and caseworker rests on; computed once per import
-- grain: one row per child and day on which a compliance item is counted (int_compliance_items) or falls due
--        (int_compliance_deadlines: the day is "data as of")
-- key: child_id, day
-- reads: int_compliance_items, int_compliance_deadlines, stg_cases
-- A child's caseworker on day d (DOMAIN.md): the caseworker of the child's case active on d (opened_on <= d and
-- closed_on empty or >= d) with the latest opened_on; tie: the greatest case_id. No such case: 'uden sag'
-- (team 'Uden sag'). team is the team of that case.
with days as (
    select distinct child_id, counted_on as day, from int_compliance_items
    union
    select distinct child_id, as_of_on, from int_compliance_deadlines
),

ranked as (
    select
        d.child_id,
        d.day,
        c.case_id,
        c.caseworker_id,
        c.team,
        row_number() over (
            partition by d.child_id, d.day order by c.opened_on desc, c.case_id desc
        ) as rn,
    from days as d
    inner join stg_cases as c
        on c.child_id = d.child_id
        and c.opened_on <= d.day
        and (c.closed_on is null or c.closed_on >= d.day)
),

final as (
    select
        d.child_id,
        d.day,
        r.case_id,
        coalesce(r.caseworker_id, 'uden sag') as caseworker_id,
        case when r.case_id is null then 'Uden sag' else r.team end as team,
    from days as d
    left join ranked as r on r.child_id = d.child_id and r.day = d.day and r.rn = 1
)

select * from final
