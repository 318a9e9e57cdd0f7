-- grain: one row per month and norm band (under, inden, over the caseload norm of the settings)
-- key: month, norm_status
-- reads: int_month_spine, mart_caseload_norm
-- How many caseworkers (employed as raadgiver at the month-end, FTE > 0) carry a caseload under, within or over
-- the norm band, and their share of all such caseworkers. Every band has a row in every month (0 when none).
with bands as (
    select * from (values (1, 'under'), (2, 'inden'), (3, 'over')) as b(band_no, norm_status)
),

counted as (
    select month, norm_status, count(*) as n_caseworkers,
    from mart_caseload_norm
    where level = 'raadgiver' and norm_status is not null
    group by all
),

final as (
    select
        s.month,
        b.band_no,
        b.norm_status,
        coalesce(c.n_caseworkers, 0) as n_caseworkers,
        coalesce(c.n_caseworkers, 0)
            / nullif(sum(coalesce(c.n_caseworkers, 0)) over (partition by s.month), 0) as caseworkers_share,
    from int_month_spine as s
    cross join bands as b
    left join counted as c on c.month = s.month and c.norm_status = b.norm_status
)

select * from final
