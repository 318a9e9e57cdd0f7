-- live: reads frozen_kpis (through mart_kpi_judged), written after the build, so it stays a view
-- grain: one row per month and KPI of the registry: the committee's figures (frozen where the month was frozen,
--        else today's), last month's and last year's committee figures, the changes and the status
-- key: month, kpi_key
-- reads: mart_kpi_judged
-- Columns as mart_kpi_status plus the frozen ones, judged by the same view (mart_kpi_judged), so a frozen month
-- keeps its figures, comparisons and status label; current_value and is_revised tell where today's data differ.
with final as (
    select * exclude (figures),
    from mart_kpi_judged
    where figures = 'committee'
)

select * from final
