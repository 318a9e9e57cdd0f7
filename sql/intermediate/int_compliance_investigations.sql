-- grain: one row per investigation (børnefaglig undersøgelse), with its 4-month deadline
-- key: investigation_id
-- reads: stg_investigations
-- deadline_on = started_on + 4 months (calendar arithmetic of int_compliance_calendar: 31 Oct -> 28/29 Feb);
-- is_on_time: completed on or before the deadline; has_child_talk: the conversation with the child held between
-- started_on and completed_on, both inclusive (both null while the investigation is open).
with final as (
    select
        *,  -- stg_investigations' columns
        cast(started_on + interval 4 month as date) as deadline_on,
        completed_on <= cast(started_on + interval 4 month as date) as is_on_time,
        coalesce(child_talk_on between started_on and completed_on, false) as has_child_talk,
    from stg_investigations
)

select * from final
