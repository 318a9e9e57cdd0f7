-- grain: one row per measure of this import, with its catalogue entry
-- key: measure_id
-- reads: int_measure_versions
select * exclude (version) from int_measure_versions where version = 'current'
