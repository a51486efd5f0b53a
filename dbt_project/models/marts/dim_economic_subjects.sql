-- 支出经济分类 subjects (table 06) per year: 3-digit groups (类) and 5-digit
-- items (款), with whether they are 人员经费 or 公用经费.
with labels as (
    select *
    from {{ ref('int_subject_labels') }}
    where code_system = 'economic' and length(subject_code) in (3, 5)
),

all_codes as (
    select
        fiscal_year,
        subject_code
    from labels
    union
    select
        fiscal_year,
        left(subject_code, 3) as subject_code
    from labels
    where length(subject_code) = 5
),

names_this_year as (
    select
        fiscal_year,
        subject_code,
        {{ first_by('row_label', ['n_printed desc', 'row_label asc']) }} as economic_name
    from labels
    group by fiscal_year, subject_code
)

select
    {{ subject_key('all_codes.fiscal_year', 'all_codes.subject_code') }} as economic_key,
    all_codes.fiscal_year,
    all_codes.subject_code as economic_code,
    case when length(all_codes.subject_code) = 3 then '类' else '款' end as economic_level,
    left(all_codes.subject_code, 3) as economic_group,
    case
        when length(all_codes.subject_code) = 5
            then {{ subject_key('all_codes.fiscal_year', 'left(all_codes.subject_code, 3)') }}
    end as parent_key,
    coalesce(
        names_this_year.economic_name,
        case when length(all_codes.subject_code) = 3 then classes.economic_name end,
        '经济分类 ' || all_codes.subject_code
    ) as economic_name,
    coalesce(classes.cost_category, '公用经费') as cost_category
from all_codes
left join names_this_year
    on
        all_codes.fiscal_year = names_this_year.fiscal_year
        and all_codes.subject_code = names_this_year.subject_code
left join {{ ref('economic_classes') }} as classes
    on left(all_codes.subject_code, 3) = classes.economic_code
