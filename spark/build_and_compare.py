"""Build the dbt project on Spark over the raw records of a DuckDB warehouse and
compare every mart with the DuckDB build, row for row and column for column.

Runs in the Spark environment (spark/.venv: dbt-spark, pyspark, duckdb):

    python spark/build_and_compare.py --warehouse W.duckdb --work DIR [--no-tests]

The raw records are the refresh's own Parquet files (``raw/<name>/`` beside the
warehouse: the record files of each run's document versions, and the registry generation the
published warehouse was built from), registered as Spark tables over those
same files (schema ``raw``); nothing is exported. dbt builds into
schema ``juesuan`` of a local metastore kept in DIR, so a second run against
the same DIR is an incremental build. Exit status 1 on any build error, test
failure or difference.

``--serve OUT``: then write every relation the dashboard and the rules read
(``warehouse.serving.served``) as Parquet under OUT, one directory each, for
``juesuan serve`` to import into a serving DuckDB file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REGISTRY_TABLES = ("raw_documents", "raw_files", "raw_quarantine", "raw_unit_seed")


def raw_root(warehouse: Path) -> Path:
    """Where the refresh keeps the raw records (warehouse/rawfiles.py)."""
    return warehouse.parent / "raw" / warehouse.name.removesuffix(".duckdb")


def spark_session(work: Path):
    from pyspark.sql import SparkSession

    metastore = work / "metastore_db"
    return (
        SparkSession.builder.master("local[2]")
        .appName("juesuan-dbt")
        .config("spark.sql.warehouse.dir", str(work / "spark-warehouse"))
        .config(
            "spark.hadoop.javax.jdo.option.ConnectionURL", f"jdbc:derby:;databaseName={metastore};create=true"
        )
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .enableHiveSupport()
        .getOrCreate()
    )


def register_raw(spark, raw_dir: Path) -> None:
    """The registry's current generation and the record files, as they are. The
    records table spans every file: the landing model keeps each document's
    registered version (its join on document_id and loaded_run_id)."""
    spark.sql("create database if not exists raw")
    current = (raw_dir / "registry" / "current").resolve()
    for table in REGISTRY_TABLES:
        spark.sql(f"drop table if exists raw.{table}")
        spark.sql(f"create table raw.{table} using parquet location '{current / (table + '.parquet')}'")
    spark.sql("drop table if exists raw.raw_records")
    spark.sql(f"create table raw.raw_records using parquet location '{(raw_dir / 'records').resolve()}'")


ROSTER_TABLES = ("units", "unit_aliases", "unit_years", "decisions", "changes")


def register_roster(spark, warehouse: Path, work: Path) -> None:
    """The roster's Parquet files beside the warehouse (dbt sources `roster` and
    `roster_matches`, external locations on DuckDB) as tables over the same files.
    The matches are those of the published file (every build file has the
    warehouse's name, warehouse/slots.py), copied under a name without the
    leading dot (Hadoop skips hidden files)."""
    spark.sql("create database if not exists roster")
    spark.sql("create database if not exists roster_matches")
    current = warehouse.parent / "roster" / "current"
    for table in ROSTER_TABLES:
        spark.sql(f"drop table if exists roster.{table}")
        spark.sql(
            f"create table roster.{table} using parquet location '{(current / table).with_suffix('.parquet')}'"
        )
    built = warehouse.parent / "roster" / "matches" / f"{warehouse.name}.name_matches.parquet"
    matches = work / "roster_matches" / "name_matches.parquet"
    matches.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(built, matches)
    spark.sql("drop table if exists roster_matches.name_matches")
    spark.sql(f"create table roster_matches.name_matches using parquet location '{matches}'")


def dbt_build(work: Path, with_tests: bool) -> bool:
    from dbt.cli.main import dbtRunner

    project = REPO / "dbt_project"
    args = [
        "build" if with_tests else "run",
        "--project-dir", str(project), "--profiles-dir", str(REPO / "spark"),
        "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
        "--vars", "{raw_schema: raw}",
    ]  # fmt: skip
    if not with_tests:
        args = ["seed", *args[1:]]
        if not dbtRunner().invoke(args).success:
            return False
        args[0] = "run"
    res = dbtRunner().invoke(args)
    return bool(res.success)


def duck_type(t: str) -> str:
    t = t.lower()
    mapping = {"varchar": "string", "integer": "int", "boolean": "boolean", "double": "double", "bigint": "bigint",
               "date": "date", "timestamp": "timestamp", "varchar[]": "array<string>", "integer[]": "array<int>"}  # fmt: skip
    return mapping.get(t, t)


def spark_type(t: str) -> str:
    return t.lower().replace("timestamp_ntz", "timestamp")


def normalize(value: object) -> object:
    if isinstance(value, list):
        return tuple(normalize(v) for v in value)
    if isinstance(value, Decimal):
        return ("dec", str(value.normalize()) if value != 0 else "0")
    if isinstance(value, float) and value == 0:
        return 0.0
    return value


def compare(spark, warehouse: Path, schema: str) -> list[str]:
    import duckdb

    problems = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'main' "
            "and (table_name like 'dim\\_%' escape '\\' or table_name like 'fct\\_%' escape '\\') order by 1"
        ).fetchall()]  # fmt: skip
        for mart in marts:
            d_cols = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'main' and table_name = ? order by ordinal_position",
                [mart],
            ).fetchall()
            try:
                s_df = spark.table(f"{schema}.{mart}")
            except Exception as exc:  # a missing mart is a difference
                problems.append(f"{mart}: missing on Spark ({exc.__class__.__name__})")
                continue
            s_cols = {f.name: spark_type(f.dataType.simpleString()) for f in s_df.schema.fields}
            d_map = {c: duck_type(t) for c, t in d_cols}
            if set(s_cols) != set(d_map):
                problems.append(f"{mart}: columns differ: {sorted(set(s_cols) ^ set(d_map))}")
                continue
            types = [f"{c} {d_map[c]} vs {s_cols[c]}" for c in d_map if d_map[c] != s_cols[c]]
            if types:
                problems.append(f"{mart}: types differ: {types}")
            names = [c for c, _ in d_cols]
            quoted = ", ".join(f'"{c}"' for c in names)
            d_rows = Counter(
                tuple(normalize(v) for v in r)
                for r in con.execute(f"select {quoted} from main.{mart}").fetchall()
            )
            s_rows = Counter(tuple(normalize(r[c]) for c in names) for r in s_df.select(*names).collect())
            only_d, only_s = d_rows - s_rows, s_rows - d_rows
            n = sum(d_rows.values())
            if only_d or only_s:
                problems.append(
                    f"{mart}: {sum(only_d.values())} of {n} DuckDB rows and {sum(only_s.values())} Spark rows "
                    f"differ; e.g. DuckDB {next(iter(only_d), None)} / Spark {next(iter(only_s), None)}"
                )
            print(f"{mart}: {n} rows {'differ' if only_d or only_s else 'identical'}", flush=True)
    return problems


def export_served(spark, schema: str, work: Path, out: Path) -> None:
    sys.path.insert(0, str(REPO))
    from warehouse.serving import served

    names = served(t.name for t in spark.catalog.listTables(schema) if not t.isTemporary)
    for name in names:
        table = spark.table(f"{schema}.{name}")
        # a partitioned table lists its partition columns last: keep the model's own order
        compiled = next((work / "target" / "compiled").rglob(f"{name}.sql"), None)
        if compiled is not None:
            table = table.select(*spark.sql(compiled.read_text()).columns)
        table.write.mode("overwrite").parquet(str(out / name))
    print(f"wrote {len(names)} relations as Parquet to {out}", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--warehouse", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--no-tests", action="store_true", help="dbt seed + run instead of dbt build")
    ap.add_argument("--serve", type=Path, help="write the served relations as Parquet here")
    args = ap.parse_args(argv)
    serve = args.serve.resolve() if args.serve else None
    work, warehouse = args.work.resolve(), args.warehouse.absolute()  # the link itself, not its target
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "False")
    os.environ.setdefault("PYSPARK_SUBMIT_ARGS", "--driver-memory 3g pyspark-shell")
    os.chdir(work)  # derby.log and any stray Spark files land here
    spark = spark_session(work)
    spark.sparkContext.setLogLevel("ERROR")
    register_raw(spark, raw_root(warehouse))
    register_roster(spark, warehouse, work)
    if not dbt_build(work, with_tests=not args.no_tests):
        print("dbt on Spark failed (see the log above)", file=sys.stderr)
        return 1
    schema = os.environ.get("JUESUAN_SPARK_SCHEMA", "juesuan")
    problems = compare(spark, warehouse, schema)
    if serve:
        export_served(spark, schema, work, serve)
    for p in problems:
        print("DIFFERENCE", p, file=sys.stderr)
    print(f"{'FAILED' if problems else 'OK'}: {len(problems)} differences between DuckDB and Spark")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
