-- grain: one row per calendar month in which this import's measures cost something
-- key: month
-- reads: int_measure_month_cost
-- cost_dkk: what the current measures cost in the month (int_measure_month_cost's pro-rated cost_dkk, summed): the
-- commitments of the forecast (int_month_commitments) and of the scenario's path (mart_scenario_path).
with final as (
    select month, sum(cost_dkk) as cost_dkk,
    from int_measure_month_cost
    where version = 'current'
    group by month
)

select * from final
