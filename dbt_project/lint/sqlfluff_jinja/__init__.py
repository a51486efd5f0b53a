"""Stand-ins for dbt's ``adapter`` and ``dbt`` objects under sqlfluff's jinja
templater (``library_path`` in .sqlfluff), so the models lint as DuckDB SQL
without dbt (the dbt templater is ~5x slower): dispatch resolves to the
``default__`` macro, as dbt does on DuckDB."""
