-- grain: one row per measure code
-- key: measure_code
-- reads: catalogue
-- The KPI definitions of DOMAIN.md name the codes of focus points 3–5 (FAMILIEBEHANDLING, SKOLE_DAGBEHANDLING,
-- TABT_ARBEJDSFORTJENESTE): a municipality's own catalogue may relabel and re-account them, but these three flags
-- stay with their codes (the import warns where a catalogue says otherwise).
select
    measure_code,
    label_da,
    label_en,
    ladder_step,
    placement_type,
    case
        when measure_code = 'FAMILIEBEHANDLING' then 'family_treatment'
        when measure_code = 'SKOLE_DAGBEHANDLING' then 'day_treatment'
        when measure_code = 'TABT_ARBEJDSFORTJENESTE' then 'lost_earnings'
        when focus_flag in ('family_treatment', 'day_treatment', 'lost_earnings') then null
        else focus_flag
    end as focus_flag,
    legal_basis_sel,
    legal_basis_bl,
    account_function,
    budget_area,
from catalogue
