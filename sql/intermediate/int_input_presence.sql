-- grain: one row: which optional tables of contract v2 the import was given
-- reads: input_tables (written by mi.db.populate)
-- A table counts as given when its file was there with at least one row (a header-only file counts as absent,
-- like v1's optional tables); a hand-written test database counts a table as given when it is passed. When a
-- table is absent, the KPIs that read it are NULL for every month and the screens say the data is missing.
select
    coalesce(bool_or(present) filter (where table_name = 'notifications'), false) as has_notifications,
    coalesce(bool_or(present) filter (where table_name = 'investigations'), false) as has_investigations,
    coalesce(bool_or(present) filter (where table_name = 'activities'), false) as has_activities,
from input_tables
