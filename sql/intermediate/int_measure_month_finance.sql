-- grain: one row per calendar month and measure of this import with a cost in the month (int_measure_month_cost,
-- version 'current')
-- key: month, measure_id
-- reads: int_measure_month_cost, stg_catalogue
-- The month's cost of each measure with the finance dimensions named as the Økonomi screen shows and filters
-- them: a missing measure type or provider in words, the account function from the catalogue. One place for
-- both of the screen's ways in: summed by dimensions (mart_economy_detail) and measure by measure
-- (mart_commitments).
with final as (
    select
        c.* exclude (version) replace (
            coalesce(c.measure_label, 'Ukendt indsats') as measure_label,
            coalesce(c.provider_name, 'Ukendt leverandør') as provider_name
        ),
        coalesce(cat.account_function, 'Ukendt konto') as account,
    from int_measure_month_cost as c
    left join stg_catalogue as cat on cat.measure_code = c.measure_code
    where c.version = 'current'
)

select * from final
