-- grain: one row per deadline on the deadline list: every investigation open on "data as of" (A), and the
--        follow-ups and supervision visits due within the 30 days after A (overdue ones included)
-- key: deadline_kind, item_id
-- reads: int_compliance_deadlines, int_compliance_caseworker
-- Per caseworker: the child's caseworker on A (int_compliance_caseworker: 'uden sag' without a case). Row level
-- with pseudonymous ids: for the leder role only. days_left = due_on - A (negative: overdue).
with final as (
    select
        d.deadline_kind,
        d.item_id,
        d.child_id,
        d.measure_id,
        d.measure_code,
        coalesce(w.caseworker_id, 'uden sag') as caseworker_id,
        coalesce(w.team, 'Uden sag') as team,
        d.basis_on,
        d.due_on,
        d.as_of_on,
        d.days_left,
        d.is_overdue,
    from int_compliance_deadlines as d
    left join int_compliance_caseworker as w
        on w.child_id = d.child_id
        and d.as_of_on >= w.valid_from
        and (w.valid_to is null or d.as_of_on <= w.valid_to)
    where d.is_listed
)

select * from final
