-- grain: one row: the policy settings in force for this database (data/settings.toml + the data folder's)
-- reads: settings
select * from settings
