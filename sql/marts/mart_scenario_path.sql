-- params: p_month, p_savings
-- key: month
-- The overspend path of base month M's year, month by month, without and with a scenario; read by mi.scenario
-- with the moves' savings bound:
--   p_month    M's first day;
--   p_savings  list of struct(start_month, monthly_saving_dkk): the scenario's moves as mart_scenario.sql
--             priced them.
-- One row per month m of M's year. spend_ytd_dkk: payments from 1 January through m for m up to M; after M, the
-- payments to M plus what the measures commit from M's next month through m (int_month_cost, as the
-- forecast counts it), so December's is the forecast. budget_ytd_dkk: the year's budget in twelfths through m.
-- saving_ytd_dkk: each move's monthly saving × its months from the later of S and January through m.
-- overspend_ytd_dkk = spend − budget in twelfths; December's is the year's overspend (after: with the scenario).
with base as (
    select month, year, actual_ytd_dkk,
    from mart_kpi_monthly
    where month = p_month
),

months as (
    select
        make_date(b.year, n.month_no, 1) as month,
        n.month_no,
    from base as b
    cross join range(1, 13) as n(month_no)
),

budget as (
    select sum(cast(budget_dkk as double)) as budget_dkk,
    from stg_budget
    where year = (select year from base)
),

savings as (
    select unnest(
        cast(p_savings as struct(start_month date, monthly_saving_dkk double)[]), recursive := true
    )
),

spend as (
    select
        m.month,
        m.month_no,
        case
            when m.month <= b.month then coalesce(k.actual_ytd_dkk, 0)
            else b.actual_ytd_dkk + coalesce((
                select sum(c.cost_dkk) from int_month_cost as c where c.month > b.month and c.month <= m.month
            ), 0)
        end as spend_ytd_dkk,
        coalesce((
            select sum(
                s.monthly_saving_dkk * greatest(
                    0, date_diff('month', greatest(s.start_month, make_date(b.year, 1, 1)), m.month) + 1
                )
            )
            from savings as s
        ), 0) as saving_ytd_dkk,
    from months as m
    cross join base as b
    left join mart_kpi_monthly as k on k.month = m.month
),

final as (
    select
        s.month,
        s.month <= (select month from base) as is_actual,
        s.spend_ytd_dkk,
        s.spend_ytd_dkk - s.saving_ytd_dkk as spend_after_ytd_dkk,
        s.saving_ytd_dkk,
        bu.budget_dkk * s.month_no / 12 as budget_ytd_dkk,
        s.spend_ytd_dkk - bu.budget_dkk * s.month_no / 12 as overspend_ytd_dkk,
        s.spend_ytd_dkk - s.saving_ytd_dkk - bu.budget_dkk * s.month_no / 12 as overspend_after_ytd_dkk,
    from spend as s
    cross join budget as bu
)

select * from final order by month
