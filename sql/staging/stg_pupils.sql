-- grain: one row per school year (1 August – 31 July)
-- key: school_year
-- reads: pupils
select
    school_year,
    pupils,
    make_date(cast(left(school_year, 4) as integer), 8, 1) as school_year_start_on,
    make_date(cast(left(school_year, 4) as integer) + 1, 7, 31) as school_year_end_on,
from pupils
