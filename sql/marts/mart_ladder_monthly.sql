-- grain: one row per month and ladder step (1–6)
-- key: month, ladder_step
-- reads: int_month_spine, int_child_step, int_measures
-- n_children: children standing on the step at the month-end (int_child_step); n_starts / n_ends: measures
-- of the step's codes starting / ending within the month. Step 1 (universal services) has no measures in
-- the data and so stays 0.
with steps as (
    select s.month, s.month_end, st.ladder_step,
    from int_month_spine as s, range(1, 7) as st(ladder_step)
),

stock as (
    select month, ladder_step, count(*) as n_children,
    from int_child_step
    group by all
),

starts as (
    select cast(date_trunc('month', start_on) as date) as month, ladder_step, count(*) as n_starts,
    from int_measures
    where ladder_step is not null
    group by all
),

ends as (
    select cast(date_trunc('month', end_on) as date) as month, ladder_step, count(*) as n_ends,
    from int_measures
    where ladder_step is not null and end_on is not null
    group by all
),

final as (
    select
        s.month,
        s.ladder_step,
        coalesce(k.n_children, 0) as n_children,
        coalesce(a.n_starts, 0) as n_starts,
        coalesce(e.n_ends, 0) as n_ends,
    from steps as s
    left join stock as k on k.month = s.month and k.ladder_step = s.ladder_step
    left join starts as a on a.month = s.month and a.ladder_step = s.ladder_step
    left join ends as e on e.month = s.month and e.ladder_step = s.ladder_step
)

select * from final
