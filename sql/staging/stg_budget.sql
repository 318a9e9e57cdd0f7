-- grain: one row per year and budget area
-- key: year, budget_area
-- reads: budget
select
    year,
    budget_area,
    budget_dkk,
from budget
