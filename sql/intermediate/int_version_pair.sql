-- grain: one row: this database's import (current) and the import the previous month's figures rest on
-- reads: data_versions
-- previous: the latest earlier import whose figures are for an earlier month; failing that, the import just
-- before this one (several imports for one month). Empty when this is the only import. An import's figures are
-- for the latest month that has ended by its data_as_of (int_data_range's default_month): an extract dated
-- 30 November reports November, one dated 7 November reports October.
with figures as (
    select
        version_id,
        data_as_of,
        imported_at,
        case
            when last_day(data_as_of) = data_as_of then date_trunc('month', data_as_of)
            else date_trunc('month', data_as_of) - interval 1 month
        end as figures_month,
    from data_versions
),

cur as (
    select * from figures order by version_id desc limit 1
),

earlier_month as (
    select max(v.version_id) as version_id,
    from figures as v, cur
    where v.version_id < cur.version_id and v.figures_month < cur.figures_month
),

just_before as (
    select max(v.version_id) as version_id from data_versions as v, cur where v.version_id < cur.version_id
),

final as (
    select
        cur.version_id as current_version_id,
        cur.data_as_of as current_data_as_of,
        cur.imported_at as current_imported_at,
        coalesce(e.version_id, b.version_id) as previous_version_id,
        p.data_as_of as previous_data_as_of,
        p.imported_at as previous_imported_at,
    from cur
    cross join earlier_month as e
    cross join just_before as b
    left join data_versions as p on p.version_id = coalesce(e.version_id, b.version_id)
)

select * from final
