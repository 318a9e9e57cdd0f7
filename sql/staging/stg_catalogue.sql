-- grain: one row per measure code
-- key: measure_code
-- reads: catalogue
select
    measure_code,
    label_da,
    label_en,
    ladder_step,
    placement_type,
    focus_flag,
    legal_basis_sel,
    legal_basis_bl,
    account_function,
    budget_area,
from catalogue
