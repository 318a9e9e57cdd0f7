-- grain: one row per payment (posting)
-- key: payment_id
-- reads: payments
select
    payment_id,
    posted_on,
    amount_dkk,
    measure_id,
    measure_code,
    account,
    child_id,
    provider_name,
    description,
from payments
