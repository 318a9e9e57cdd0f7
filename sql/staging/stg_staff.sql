-- grain: one row per employment (a rehire is a new row)
-- key: employee_id, hired_on
-- reads: staff
select
    employee_id,
    role,
    coalesce(team, 'Uden team') as team,
    fte,
    hired_on,
    left_on,
    coalesce(leave_reason, 'Ikke oplyst') as leave_reason,
from staff
