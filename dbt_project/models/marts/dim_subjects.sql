-- 支出功能分类 subjects per year with their 类/款/项 hierarchy: every code any
-- loaded document printed (tables or narrative), plus all its ancestors, so
-- that a 项 always rolls up to its 款 and 类 even when those rows were not printed.
-- Name: the one printed most often that year; else the national 类 list; else
-- the name printed in another year; else just the code.
with labels as (
    select *
    from {{ ref('int_subject_labels') }}
    where code_system = 'functional'
),

fact_codes as (
    select distinct
        documents.fiscal_year,
        facts.subject_code
    from {{ ref('stg_facts') }} as facts
    inner join {{ ref('stg_documents') }} as documents
        on facts.document_id = documents.document_id
    where
        documents.document_status = 'loaded'
        and documents.fiscal_year is not null
        and {{ matches_fully('facts.subject_code', '[0-9]{3}([0-9]{2}){0,2}') }}
),

printed_codes as (
    select
        fiscal_year,
        subject_code
    from labels
    union
    select
        fiscal_year,
        subject_code
    from fact_codes
),

all_codes as (
    select
        fiscal_year,
        subject_code
    from printed_codes
    union
    select
        fiscal_year,
        left(subject_code, 3) as subject_code
    from printed_codes
    where length(subject_code) > 3
    union
    select
        fiscal_year,
        left(subject_code, 5) as subject_code
    from printed_codes
    where length(subject_code) > 5
),

names_this_year as (
    select
        fiscal_year,
        subject_code,
        {{ first_by('row_label', ['n_printed desc', 'row_label asc']) }} as subject_name
    from labels
    group by fiscal_year, subject_code
),

names_any_year as (
    select
        subject_code,
        {{ first_by('row_label', ['fiscal_year desc', 'n_printed desc', 'row_label asc']) }} as subject_name
    from labels
    group by subject_code
)

select
    {{ subject_key('all_codes.fiscal_year', 'all_codes.subject_code') }} as subject_key,
    all_codes.fiscal_year,
    all_codes.subject_code,
    {{ subject_level('all_codes.subject_code') }} as subject_level,
    {{ subject_level_no('all_codes.subject_code') }} as level_no,
    {{ subject_parent('all_codes.subject_code') }} as parent_code,
    {{ subject_key('all_codes.fiscal_year', subject_parent('all_codes.subject_code')) }} as parent_key,
    left(all_codes.subject_code, 3) as class_code,
    case when length(all_codes.subject_code) >= 5 then left(all_codes.subject_code, 5) end as section_code,
    coalesce(
        names_this_year.subject_name,
        classes.subject_name,
        names_any_year.subject_name,
        {{ subject_level('all_codes.subject_code') }} || ' ' || all_codes.subject_code
    ) as subject_name,
    case
        when names_this_year.subject_name is not null then 'printed'
        when classes.subject_name is not null then 'national_list'
        when names_any_year.subject_name is not null then 'other_year'
        else 'code_only'
    end as name_source
from all_codes
left join names_this_year
    on
        all_codes.fiscal_year = names_this_year.fiscal_year
        and all_codes.subject_code = names_this_year.subject_code
left join {{ ref('functional_classes') }} as classes
    on all_codes.subject_code = classes.subject_code
left join names_any_year on all_codes.subject_code = names_any_year.subject_code
