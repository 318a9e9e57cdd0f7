-- grain: one row per activity (plan, opfoelgning, tilsyn)
-- key: activity_id
-- reads: activities
select
    activity_id,
    child_id,
    activity,
    done_on,
    measure_id,
from activities
