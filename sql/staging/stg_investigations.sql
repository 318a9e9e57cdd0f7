-- grain: one row per investigation (børnefaglig undersøgelse)
-- key: investigation_id
-- reads: investigations
select
    investigation_id,
    child_id,
    started_on,
    completed_on,
    child_talk_on,
from investigations
