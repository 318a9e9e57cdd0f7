-- grain: one row per notification (underretning), with whether it was assessed within 24 hours
-- key: notification_id
-- reads: stg_notifications
-- c2's rule (DOMAIN.md): when received_at and assessed_at both carry a time of day, assessed_at - received_at
-- <= 24 hours; otherwise the assessment's date <= the receipt's date + 1 day; no assessed_at = not in time.
with final as (
    select
        notification_id,
        child_id,
        source,
        received_at,
        received_on,
        assessed_at,
        assessed_on,
        case
            when assessed_at is null then false
            when received_has_time and assessed_has_time then assessed_at - received_at <= interval 24 hour
            else assessed_on <= cast(received_on + interval 1 day as date)
        end as is_assessed_24h,
    from stg_notifications
)

select * from final
