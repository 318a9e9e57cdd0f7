-- params: p_month, p_moves, p_prices
-- key: month
-- A scenario over base month M (DOMAIN.md "Scenarios"), read by mi.scenario with the moves and prices bound:
--   p_month   M's first day;
--   p_moves   list of struct(move_no, from_key, to_key, children, start_month): to_key null = the measure ends
--             (NULL: no moves);
--   p_prices  list of struct(price_key, price_dkk): prices given by the user, which always win.
-- One row: M's forecast, budget and target, the totals after the moves, and the moves (a list of structs in
-- move_no order) with their prices and savings. A price is null when neither the data (mart_scenario_prices:
-- measures of the key active on E with a monthly cost) nor the user gives it; mi.scenario refuses that.
-- Saving in year Y: monthly saving × months of Y from the later of S and January of Y through December
-- (0 when S is after Y).
with base as (
    select month, year, forecast_dkk, budget_dkk, overspend_target_dkk,
    from mart_kpi_monthly
    where month = p_month
),

moves as (
    select unnest(
        cast(p_moves as struct(
            move_no integer, from_key varchar, to_key varchar, children integer, start_month date
        )[]),
        recursive := true
    )
),

given as (
    select unnest(cast(p_prices as struct(price_key varchar, price_dkk double)[]), recursive := true)
),

data_prices as (
    select price_key, price_dkk, n_measures,
    from mart_scenario_prices
    where month = p_month
),

priced as (
    select
        mv.*,
        coalesce(gf.price_dkk, df.price_dkk) as price_from_dkk,
        case when gf.price_dkk is null then coalesce(df.n_measures, 0) end as price_from_measures,
        case
            when mv.to_key is null then 0
            else coalesce(gt.price_dkk, dt.price_dkk)
        end as price_to_dkk,
        case
            when mv.to_key is not null and gt.price_dkk is null then coalesce(dt.n_measures, 0)
        end as price_to_measures,
    from moves as mv
    left join given as gf on gf.price_key = mv.from_key
    left join data_prices as df on df.price_key = mv.from_key
    left join given as gt on gt.price_key = mv.to_key
    left join data_prices as dt on dt.price_key = mv.to_key
),

per_move as (
    select
        p.*,
        p.children * (p.price_from_dkk - p.price_to_dkk) as monthly_saving_dkk,
        case
            when year(p.start_month) > b.year then 0
            when year(p.start_month) < b.year then 12
            else 13 - month(p.start_month)
        end as months_this_year,
        case
            when year(p.start_month) > b.year + 1 then 0
            when year(p.start_month) < b.year + 1 then 12
            else 13 - month(p.start_month)
        end as months_next_year,
    from priced as p
    cross join base as b
),

totals as (
    select
        coalesce(sum(monthly_saving_dkk * months_this_year), 0) as savings_this_year_dkk,
        coalesce(sum(monthly_saving_dkk * months_next_year), 0) as savings_next_year_dkk,
        count(*) filter (where price_from_dkk is null or price_to_dkk is null) as n_unpriced,
        coalesce(list(struct_pack(
            move_no,
            from_key,
            to_key,
            children,
            start_month,
            price_from_dkk,
            price_from_measures,
            price_to_dkk,
            price_to_measures,
            monthly_saving_dkk,
            months_this_year,
            months_next_year,
            saving_this_year_dkk := monthly_saving_dkk * months_this_year,
            saving_next_year_dkk := monthly_saving_dkk * months_next_year
        ) order by move_no), []) as moves,
    from per_move
),

final as (
    select
        b.month,
        b.year,
        t.moves,
        t.n_unpriced,
        t.savings_this_year_dkk,
        t.savings_next_year_dkk,
        b.forecast_dkk,
        b.forecast_dkk - t.savings_this_year_dkk as forecast_after_dkk,
        b.budget_dkk,
        b.forecast_dkk - b.budget_dkk as overspend_dkk,
        b.forecast_dkk - t.savings_this_year_dkk - b.budget_dkk as overspend_after_dkk,
        b.overspend_target_dkk,
        b.forecast_dkk - b.budget_dkk - b.overspend_target_dkk as gap_to_target_dkk,
        b.forecast_dkk - t.savings_this_year_dkk - b.budget_dkk - b.overspend_target_dkk
            as gap_to_target_after_dkk,
    from base as b
    cross join totals as t
)

select * from final
