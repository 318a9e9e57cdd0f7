-- params: p_month, p_moves
-- key: focus_point
-- The focus points at the end of base month M's year with a scenario's moves, if nothing else changes; read by
-- mi.scenario with the moves bound:
--   p_month   M's first day;
--   p_moves   list of struct(from_key, to_key, children, start_month, price_from_dkk, price_to_dkk, months_this_year)
--            as mart_scenario.sql priced them.
-- One row per focus point: today's figure at M and the figure at 31 December of M's year after the moves that have
-- started by then; n_base_now is the smallest count of children today's figure rests on (for disclosure control). A move takes its N children off its FROM and puts them on its TO (none when TO is empty):
--   f1 children whose current placement is an institution ± the moves from / to an institution code;
--   f2 family care ÷ (family care + institution), both counts moved the same way (netvaerk, plejefamilie);
--   f3 active family-treatment courses from private providers on E ± the moves from / to FAMILIEBEHANDLING/privat;
--   f4 children in school day-treatment ± the moves, ÷ the pupils of M's school year;
--   f5 lost earnings for the year: paid to M plus what the measures commit to December (the forecast's rule),
--      minus N × price × months this year of the moves from TABT_ARBEJDSFORTJENESTE, plus those of the moves to it.
with k as (
    select * from mart_kpi_monthly where month = p_month
),

moves as (
    select unnest(
        cast(p_moves as struct(
            from_key varchar, to_key varchar, children integer, start_month date,
            price_from_dkk double, price_to_dkk double, months_this_year integer
        )[]),
        recursive := true
    )
),

started as (
    select
        mv.*,
        split_part(mv.from_key, '/', 1) as from_code,
        nullif(split_part(mv.from_key, '/', 2), '') as from_provider,
        split_part(mv.to_key, '/', 1) as to_code,
        nullif(split_part(mv.to_key, '/', 2), '') as to_provider,
    from moves as mv
    where year(mv.start_month) = year(p_month)
),

typed as (
    select
        s.*,
        cf.placement_type as from_type,
        ct.placement_type as to_type,
    from started as s
    left join stg_catalogue as cf on cf.measure_code = s.from_code
    left join stg_catalogue as ct on ct.measure_code = s.to_code
),

shift as (
    select
        coalesce(sum(case when to_type = 'institution' then children else 0 end), 0)
            - coalesce(sum(case when from_type = 'institution' then children else 0 end), 0) as d_institution,
        coalesce(sum(case when to_type in ('netvaerk', 'plejefamilie') then children else 0 end), 0)
            - coalesce(sum(case when from_type in ('netvaerk', 'plejefamilie') then children else 0 end), 0)
            as d_family_care,
        coalesce(sum(case when to_code = 'FAMILIEBEHANDLING' and to_provider = 'privat' then children else 0 end), 0)
            - coalesce(sum(
                case when from_code = 'FAMILIEBEHANDLING' and from_provider = 'privat' then children else 0 end
            ), 0) as d_private_family_treatment,
        coalesce(sum(case when to_code = 'SKOLE_DAGBEHANDLING' then children else 0 end), 0)
            - coalesce(sum(case when from_code = 'SKOLE_DAGBEHANDLING' then children else 0 end), 0)
            as d_day_treatment,
        coalesce(sum(
            case when from_code = 'TABT_ARBEJDSFORTJENESTE' then children * price_from_dkk * months_this_year end
        ), 0) - coalesce(sum(
            case when to_code = 'TABT_ARBEJDSFORTJENESTE' then children * price_to_dkk * months_this_year end
        ), 0) as lost_earnings_saving_dkk,
    from typed
),

private_ft as (
    select count(*) as n,
    from int_active_measures
    where month = p_month and measure_code = 'FAMILIEBEHANDLING' and provider_type = 'privat'
),

lost_committed as (
    select coalesce(sum(cost_dkk), 0) as dkk,
    from int_measure_month_cost
    where version = 'current'
        and measure_code = 'TABT_ARBEJDSFORTJENESTE'
        and month > p_month
        and year(month) = year(p_month)
),

figures as (
    select
        k.f1_institution_children as inst_now,
        k.f1_institution_children + sh.d_institution as inst_after,
        k.n_family_care_children as fc_now,
        k.n_family_care_children + sh.d_family_care as fc_after,
        pf.n as pft_now,
        pf.n + sh.d_private_family_treatment as pft_after,
        k.n_day_treatment_children as dt_now,
        k.n_day_treatment_children + sh.d_day_treatment as dt_after,
        k.n_pupils as pupils,
        k.f5_lost_earnings_ytd_dkk + lc.dkk as le_now,
        k.f5_lost_earnings_ytd_dkk + lc.dkk - sh.lost_earnings_saving_dkk as le_after,
    from k
    cross join shift as sh
    cross join private_ft as pf
    cross join lost_committed as lc
),

final as (
    select 1 as focus_point, 'f1_institution_children' as figure_key, 'count' as unit,
        cast(inst_now as double) as value_now, cast(inst_after as double) as value_after,
        inst_now as n_base_now,
    from figures
    union all
    select 2, 'f2_family_care_share', 'share',
        fc_now / nullif(fc_now + inst_now, 0), fc_after / nullif(fc_after + inst_after, 0), least(fc_now, inst_now),
    from figures
    union all
    select 3, 'n_private_family_treatment_active', 'count', pft_now, pft_after, pft_now, from figures
    union all
    select 4, 'f4_day_treatment_share', 'share', dt_now / nullif(pupils, 0), dt_after / nullif(pupils, 0), dt_now,
    from figures
    union all
    select 5, 'lost_earnings_year_dkk', 'dkk', le_now, le_after, null, from figures
)

select * from final order by focus_point
