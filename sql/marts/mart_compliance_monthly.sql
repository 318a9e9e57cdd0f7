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
    select i.*, w.caseworker_id, w.team,
    from int_compliance_items as i
    inner join int_compliance_caseworker as w on w.child_id = i.child_id and w.day = i.counted_on
),

leveled as (
    select 'kommune' as level, 'Hele kommunen' as unit, null as team, * exclude (caseworker_id, team),
    from attributed
    union all
    select 'team', team, team, * exclude (caseworker_id, team),
    from attributed
    union all
    select 'raadgiver', caseworker_id, team, * exclude (caseworker_id, team),
    from attributed
),

-- per unit and month in which the items count
monthly as (
    select
        level,
        unit,
        event_month,
        mode(team) as team,
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
    from leveled
    group by level, unit, event_month
),

-- every month of the data for the municipality; a team or caseworker in the months it has items in L12
units as (
    select c.month, 'kommune' as level, 'Hele kommunen' as unit,
    from cal as c
    union
    select distinct c.month, m.level, m.unit,
    from cal as c
    inner join monthly as m on m.level <> 'kommune' and m.event_month between c.l12_start_on and c.month
),

-- each unit's month with the months of its L12
windowed as (
    select
        u.month,
        u.level,
        u.unit,
        m.* exclude (level, unit),
        m.event_month = u.month as this_month,
    from units as u
    inner join cal as c on c.month = u.month
    left join monthly as m
        on m.level = u.level and m.unit = u.unit and m.event_month between c.l12_start_on and u.month
),

-- the month's own counts (c1, c4, c6-c8) and L12's sums (c2, c3, c5), 0 when nothing counted
rolled as (
    select
        m.month,
        m.level,
        m.unit,
        mode(m.team) filter (where this_month) as team_in_month,
        mode(m.team) as team_in_l12,
        cast(coalesce(sum(m.n_notifications) filter (where this_month), 0) as bigint) as n_notifications,
        cast(coalesce(sum(m.n_notifications), 0) as bigint) as n_notifications_l12,
        cast(coalesce(sum(m.n_assessed_24h), 0) as bigint) as n_assessed_24h_l12,
        cast(coalesce(sum(m.n_completed), 0) as bigint) as n_completed_l12,
        cast(coalesce(sum(m.n_on_time), 0) as bigint) as n_on_time_l12,
        cast(coalesce(sum(m.n_child_talk), 0) as bigint) as n_child_talk_l12,
        cast(coalesce(sum(m.n_overdue) filter (where this_month), 0) as bigint) as n_overdue,
        cast(coalesce(sum(m.n_plan_children) filter (where this_month), 0) as bigint) as n_plan_children,
        cast(coalesce(sum(m.n_with_plan_children) filter (where this_month), 0) as bigint)
            as n_with_plan_children,
        cast(coalesce(sum(m.n_follow_up_measures) filter (where this_month), 0) as bigint)
            as n_follow_up_measures,
        cast(coalesce(sum(m.n_followed_up_measures) filter (where this_month), 0) as bigint)
            as n_followed_up_measures,
        cast(coalesce(sum(m.n_supervision_children) filter (where this_month), 0) as bigint)
            as n_supervision_children,
        cast(coalesce(sum(m.n_supervised_children) filter (where this_month), 0) as bigint)
            as n_supervised_children,
    from windowed as m
    group by m.month, m.level, m.unit
),

present as (
    select
        r.month,
        r.level,
        r.unit,
        case when r.level = 'raadgiver' then coalesce(r.team_in_month, r.team_in_l12) end as team,
        -- the counts, null for a table that was not imported
        case when p.has_notifications then r.n_notifications end as n_notifications,
        case when p.has_notifications then r.n_notifications_l12 end as n_notifications_l12,
        case when p.has_notifications then r.n_assessed_24h_l12 end as n_assessed_24h_l12,
        case when p.has_investigations then r.n_completed_l12 end as n_completed_l12,
        case when p.has_investigations then r.n_on_time_l12 end as n_on_time_l12,
        case when p.has_investigations then r.n_child_talk_l12 end as n_child_talk_l12,
        case when p.has_investigations then r.n_overdue end as n_overdue,
        case when p.has_activities then r.n_plan_children end as n_plan_children,
        case when p.has_activities then r.n_with_plan_children end as n_with_plan_children,
        case when p.has_activities then r.n_follow_up_measures end as n_follow_up_measures,
        case when p.has_activities then r.n_followed_up_measures end as n_followed_up_measures,
        case when p.has_activities then r.n_supervision_children end as n_supervision_children,
        case when p.has_activities then r.n_supervised_children end as n_supervised_children,
    from rolled as r
    cross join int_input_presence as p
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
