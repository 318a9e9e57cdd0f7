-- grain: one row per child
-- key: child_id
-- reads: children
select
    child_id,
    birth_date,
    sex,
    district,
from children
