select
    unit_id,
    canonical_name,
    aliases as aliases_text,
    department,
    unit_type,
    region,
    staff_count,
    expected_years as expected_years_text,
    seed_row,
    seed_path,
    seed_sha256
from {{ ref('raw_unit_seed') }}
