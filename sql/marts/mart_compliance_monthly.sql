-- grain: one row per month and unit: the whole municipality (every month of the data), each team and each
--        caseworker (pseudonymous id; 'uden sag' for children without a case) with something counted
-- key: month, level, unit
-- reads: int_compliance_calendar, int_compliance_items, int_compliance_caseworker, int_input_presence
-- The eight compliance KPIs of DOMAIN.md ("contract v2") with the counts behind each share (n_* numerator and
-- denominator columns, for disclosure control). level 'kommune' (unit 'Hele kommunen'), 'team' (unit = the team
-- of the case), 'raadgiver' (unit = caseworker_id, leder only). Each item is attributed to the child's
-- caseworker on the day it counts (int_compliance_caseworker): the received date for c1/c2, completed_on for
-- c3/c5, E for c4, c6, c7, c8; so the teams and caseworkers add up to the municipality.
-- Shares are empty (null) when their denominator is 0. Every figure of a table that was not imported is null
-- (c1-c2: notifications; c3-c5: investigations; c6-c8: activities).
with cal as (
    select * from int_compliance_calendar
),

attributed as (
    select
        i.*,
        coalesce(w.caseworker_id, 'uden sag') as caseworker_id,
        coalesce(w.team, 'Uden sag') as team,
    from int_compliance_items as i
    left join int_compliance_caseworker as w
        on w.child_id = i.child_id
        and i.counted_on >= w.valid_from
        and (w.valid_to is null or i.counted_on <= w.valid_to)
),

-- per unit and month in which the items count: each caseworker, each team and the municipality (grouping sets)
monthly as (
    select
        case
            when grouping(caseworker_id) = 0 then 'raadgiver'
            when grouping(team) = 0 then 'team'
            else 'kommune'
        end as level,
        case
            when grouping(caseworker_id) = 0 then caseworker_id
            when grouping(team) = 0 then team
            else 'Hele kommunen'
        end as unit,
        event_month,
        -- a caseworker's team: the team of the cases counted (the greatest name when there are several)
        case when grouping(caseworker_id) = 0 then max(team) end as team,
        count(*) filter (where kpi_group = 'notification') as n_notifications,
        count(*) filter (where kpi_group = 'notification' and is_hit) as n_assessed_24h,
        count(*) filter (where kpi_group = 'investigation') as n_completed,
        count(*) filter (where kpi_group = 'investigation' and is_hit) as n_on_time,
        count(*) filter (where kpi_group = 'investigation' and is_hit_2) as n_child_talk,
        count(*) filter (where kpi_group = 'overdue') as n_overdue,
        count(*) filter (where kpi_group = 'plan') as n_plan_children,
        count(*) filter (where kpi_group = 'plan' and is_hit) as n_with_plan_children,
        count(*) filter (where kpi_group = 'follow_up') as n_follow_up_measures,
        count(*) filter (where kpi_group = 'follow_up' and is_hit) as n_followed_up_measures,
        count(*) filter (where kpi_group = 'supervision') as n_supervision_children,
        count(*) filter (where kpi_group = 'supervision' and is_hit) as n_supervised_children,
    from attributed
    group by grouping sets ((event_month, caseworker_id), (event_month, team), (event_month))
),

-- the months each unit has a row: the municipality every month of the data (from an earlier first item, so that
-- L12 adds items before the data's first month too); a team or caseworker from its first month with items to 11
-- months after its last (while something of it can be in L12)
bounds as (
    select min(month) as first_month, max(month) as last_month, from cal
),

spans as (
    select
        'kommune' as level,
        'Hele kommunen' as unit,
        least(b.first_month, (select min(event_month) from monthly)) as first_month,
        b.last_month,
    from bounds as b
    union all
    select
        m.level,
        m.unit,
        min(m.event_month),
        least(cast(max(m.event_month) + interval 11 month as date), any_value(b.last_month)),
    from monthly as m
    cross join bounds as b
    where m.level <> 'kommune'
    group by m.level, m.unit
),

units as (
    select level, unit, cast(unnest(generate_series(first_month, last_month, interval 1 month)) as date) as month,
    from spans
),

-- each unit's months (without gaps) with that month's counts
dense as (
    select
        u.month,
        u.level,
        u.unit,
        m.team,
        coalesce(columns('^n_'), 0),  -- every count of monthly, 0 in a month without items
    from units as u
    left join monthly as m on m.level = u.level and m.unit = u.unit and m.event_month = u.month
),

-- the month's own counts (c1, c4, c6-c8) and L12's sums (c2, c3, c5): a window over the 12 months ending with it
rolled as (
    select
        month,
        level,
        unit,
        last_value(team ignore nulls) over l12 as team,
        -- the month's own counts, and the five that add L12 (n_<count>_l12)
        columns('^n_'),
        cast(sum(columns(['n_notifications', 'n_assessed_24h', 'n_completed', 'n_on_time', 'n_child_talk'])) over l12
            as bigint) as '\0_l12',
        sum(
            n_notifications + n_completed + n_overdue + n_plan_children + n_follow_up_measures
            + n_supervision_children
        ) over l12 as n_items_l12,
    from dense
    window l12 as (partition by level, unit order by month rows between 11 preceding and current row)
),

present as (
    select
        r.month,
        r.level,
        r.unit,
        case when r.level = 'raadgiver' then r.team end as team,
        -- the counts, null for a table that was not imported
        case when p.has_notifications then columns([
            'n_notifications', 'n_notifications_l12', 'n_assessed_24h_l12'
        ]) end,
        case when p.has_investigations then columns([
            'n_completed_l12', 'n_on_time_l12', 'n_child_talk_l12', 'n_overdue'
        ]) end,
        case when p.has_activities then columns([
            'n_plan_children', 'n_with_plan_children', 'n_follow_up_measures', 'n_followed_up_measures',
            'n_supervision_children', 'n_supervised_children'
        ]) end,
    from rolled as r
    cross join int_input_presence as p
    cross join bounds as b
    where r.month >= b.first_month and (r.level = 'kommune' or r.n_items_l12 > 0)
),

final as (
    select
        month,
        level,
        unit,
        team,
        n_notifications as c1_notifications,
        n_assessed_24h_l12 / nullif(n_notifications_l12, 0) as c2_assessed_24h_share,
        n_on_time_l12 / nullif(n_completed_l12, 0) as c3_investigations_on_time_share,
        n_overdue as c4_investigations_overdue,
        n_child_talk_l12 / nullif(n_completed_l12, 0) as c5_child_talk_share,
        n_with_plan_children / nullif(n_plan_children, 0) as c6_plan_share,
        n_followed_up_measures / nullif(n_follow_up_measures, 0) as c7_follow_up_share,
        n_supervised_children / nullif(n_supervision_children, 0) as c8_supervision_share,
        n_notifications_l12,
        n_assessed_24h_l12,
        n_completed_l12,
        n_on_time_l12,
        n_child_talk_l12,
        n_plan_children,
        n_with_plan_children,
        n_follow_up_measures,
        n_followed_up_measures,
        n_supervision_children,
        n_supervised_children,
    from present
)

select * from final
