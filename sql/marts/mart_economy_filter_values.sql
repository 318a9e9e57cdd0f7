-- live: computed when read (one month at a time), not materialised
-- grain: one row per month M, finance dimension and value it takes in M (spending to date or commitments after)
-- key: month, dimension, value
-- reads: mart_economy_detail
-- The values each filter of the Økonomi screen offers in the month.
with final as (
    select distinct month, dimension, value,
    from (
        unpivot mart_economy_detail
        on budget_area, measure_label, provider_type, provider_name, account
        into name dimension value value
    )
    where value is not null
)

select * from final
