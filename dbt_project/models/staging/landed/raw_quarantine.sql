{{ config(materialized='table') }}
-- the registry table as the generation this build reads has it (small: rebuilt each run)
select * from {{ source('raw', 'raw_quarantine') }}  -- noqa: AM04
