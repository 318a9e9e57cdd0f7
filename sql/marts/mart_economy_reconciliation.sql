-- params: p_month, p_detail
-- grain: one line of the reconciliation of month p_month's forecast with the previous import's: the previous
-- forecast (line_no 1), the change in actual spending (2), the measures' effects by kind of change (3–9; with
-- p_detail false, as for the committee, one line), the unexplained rest (20), this import's forecast (21); no
-- lines with a single import
-- key: line_no
-- reads: mart_forecast_changes, mart_measure_changes
-- amount_dkk in whole øre that add up, as shown, to this import's forecast: the previous forecast, the actual
-- change and the rest are øre already; the effects (fractions of a day's price) are rounded down to the øre and
-- the øre that leaves (target_ore) go one each to the effects with the largest remainders (the smallest, when
-- the rounding left too many), ties in line order. n_measures: the measures behind an effect (NULL without
-- p_detail: a kind of change with one or two measures would point at single children's cases).
with fc as (
    select * from mart_forecast_changes where month = p_month and has_previous
),

effects as (
    select
        case when p_detail then change_type else 'i alt' end as change_type,
        sum(effect_dkk) as effect_dkk,
        count(*) as n_measures,
    from mart_measure_changes
    where month = p_month and effect_dkk is not null and exists (select 1 from fc)
    group by all
),

fixed as (
    select
        1 as line_no,
        'Forventet forbrug, forrige indlæsning (version ' || previous_version_id || ')' as item,
        round(previous_forecast_dkk, 2) as amount_dkk,
    from fc
    union all
    select 2, 'Ændring i faktisk forbrug (nye og rettede posteringer)', round(actual_change_dkk, 2), from fc
    union all
    select 20, 'Uforklaret rest', unexplained_dkk, from fc
    union all
    select
        21,
        'Forventet forbrug, denne indlæsning (version ' || current_version_id || ')',
        round(forecast_dkk, 2),
    from fc
),

effect_ore as (
    select
        3 + coalesce(list_position(['ny', 'afsluttet', 'forlænget', 'pris', 'fjernet', 'ændret'], change_type), 0)
            as line_no,
        case when p_detail then 'Virkning: ' || change_type else 'Virkning af ændrede indsatser' end as item,
        case when p_detail then n_measures end as n_measures,
        effect_dkk * 100 as ore,
        floor(effect_dkk * 100) as floor_ore,
    from effects
),

target as (
    select
        round(
            ((select amount_dkk from fixed where line_no = 21)
            - (select amount_dkk from fixed where line_no = 1)
            - (select amount_dkk from fixed where line_no = 2)
            - (select amount_dkk from fixed where line_no = 20)) * 100
        ) - (select sum(floor_ore) from effect_ore) as left_ore,
        (select count(*) from effect_ore) as n_lines,
),

ranked as (
    select
        e.*,
        t.left_ore,
        t.n_lines,
        row_number() over (
            order by case when t.left_ore > 0 then e.floor_ore - e.ore else e.ore - e.floor_ore end, e.line_no
        ) as remainder_rank,
    from effect_ore as e
    cross join target as t
),

final as (
    select line_no, item, null::bigint as n_measures, amount_dkk, from fixed
    union all
    select
        line_no,
        item,
        n_measures,
        (
            floor_ore
            + sign(left_ore) * (
                floor(abs(left_ore) / n_lines) + case when remainder_rank <= abs(left_ore) % n_lines then 1 else 0 end
            )
        ) / 100 as amount_dkk,
    from ranked
)

select * from final
order by line_no
