{# Column keys of the parse contract (docs/contract.md), per table. #}
{% macro contract_columns(table_id) -%}
    {%- set columns = {
        '02': ['total', 'fiscal', 'superior_subsidy', 'business', 'operating', 'affiliated_remittance', 'other'],
        '03': ['total', 'basic', 'project', 'remit_superior', 'operating', 'affiliated_subsidy'],
        '04': ['amount', 'total', 'general', 'fund', 'state_capital'],
        '05': ['total', 'basic', 'project', 'budget_initial', 'budget_adjusted'],
        '07': ['opening', 'income', 'total', 'basic', 'project', 'closing'],
        '08': ['total', 'basic', 'project'],
        '09': ['budget_total', 'budget_outbound', 'budget_vehicle', 'budget_vehicle_purchase',
               'budget_vehicle_operation', 'budget_reception', 'actual_total', 'actual_outbound',
               'actual_vehicle', 'actual_vehicle_purchase', 'actual_vehicle_operation', 'actual_reception',
               'budget_meeting', 'budget_training', 'actual_meeting', 'actual_training'],
    } -%}
    {{ return(columns[table_id]) }}
{%- endmacro %}

{# Every column key a 类/款/项 table (02 03 05 07 08) may carry. #}
{% macro subject_table_columns() -%}
    {%- set out = [] -%}
    {%- for t in ['02', '03', '05', '07', '08'] -%}
        {%- for c in contract_columns(t) -%}
            {%- if c not in out -%}{%- do out.append(c) -%}{%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}
