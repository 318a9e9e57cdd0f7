-- grain: one row per notification (underretning)
-- key: notification_id
-- reads: notifications
-- received_at/assessed_at are stored as the import normalised them: `YYYY-MM-DD` when the input had no time of
-- day, `YYYY-MM-DD HH:MM[:SS]` when it had one. *_has_time says which: the 24-hour rule (c2) compares times
-- only when both carry one. A date without a time reads as its midnight in *_at.
select
    notification_id,
    child_id,
    source,
    cast(received_at as timestamp) as received_at,
    cast(cast(received_at as timestamp) as date) as received_on,
    length(received_at) > 10 as received_has_time,
    cast(assessed_at as timestamp) as assessed_at,
    cast(cast(assessed_at as timestamp) as date) as assessed_on,
    length(assessed_at) > 10 as assessed_has_time,
from notifications
