-- grain: one row per measure
-- key: measure_id
-- reads: measures
select
    measure_id,
    child_id,
    measure_code,
    provider_type,
    provider_name,
    start_on,
    end_on,
    monthly_cost_dkk,
    decided_on,
from measures
