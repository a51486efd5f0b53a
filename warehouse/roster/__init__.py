"""The unit roster the bureau maintains (who must disclose, by when) and the
matching of printed unit names to it. Stored as files under the data
directory (``store``), never as rows written into the warehouse file; dbt reads
them as sources (``dbt_project/models/roster/``). See docs/roster.md."""
