-- grain: one row per case
-- key: case_id
-- reads: cases
select
    case_id,
    child_id,
    caseworker_id,
    coalesce(team, 'Uden team') as team,
    opened_on,
    closed_on,
from cases
