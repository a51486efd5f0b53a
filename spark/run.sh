#!/usr/bin/env bash
# make test-spark: the same dbt project on DuckDB (juesuan refresh) and on local
# Spark (dbt-spark, session method), over the same raw records; every mart must
# be identical (rows, every column, types). Two rounds, so that both engines'
# incremental models are exercised:
#   1. a generated district (all formats, faults, aliases), 2022-2023, without
#      its correction: full build on both engines (Spark: dbt seed + run);
#   2. 2024 arrives, the correction of a 2022 document arrives (supersedes it)
#      and one 2023 file is withdrawn: incremental build on both engines
#      (Spark: dbt build, with every dbt test); then the relations the dashboard
#      and the rules read, as Parquet files Spark wrote, are imported into a
#      serving DuckDB file (juesuan serve) and every dashboard probe and the
#      findings must be the same there as on the refresh's warehouse.
set -euo pipefail
cd "$(dirname "$0")/.."
UV=${UV:-uv}
export DBT_SEND_ANONYMOUS_USAGE_STATS=False GX_ANALYTICS_ENABLED=false

if ! command -v java >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless >/dev/null
fi
if ! cmp -s spark/requirements.txt spark/.venv/.requirements.txt; then
  $UV venv -q --allow-existing -p 3.11 spark/.venv
  VIRTUAL_ENV=spark/.venv $UV pip install -q --compile-bytecode -r spark/requirements.txt
  cp spark/requirements.txt spark/.venv/.requirements.txt
fi

work=$(mktemp -d -t juesuan-spark.XXXXXX)
trap '[ -n "${KEEP_WORK:-}" ] && echo "work dir kept: $work" || rm -rf "$work"' EXIT  # KEEP_WORK=1: keep it
$UV run juesuan sample "$work/district" --units 10 --years 2022-2024 \
  --formats text,pdf,xlsx,caijue,html,docx,csv --faults 0.5 --seed 12 >/dev/null
correction=$(cd "$work/district" && ls 2022/*_更正.* | head -1)
withdrawn=$(cd "$work/district" && ls 2023/* | head -1)
[ -n "$correction" ] && [ -n "$withdrawn" ] || { echo "test-spark: the sample has no correction"; exit 1; }

inbox="$work/inbox"
mkdir -p "$inbox"
cp -r "$work/district/2022" "$work/district/2023" "$work/district/units.csv" "$inbox/"
rm "$inbox/$correction"
refresh() { $UV run juesuan refresh --inbox "$inbox" --warehouse "$work/duckdb/warehouse.duckdb" -q "$@"; }
compare() { spark/.venv/bin/python spark/build_and_compare.py --warehouse "$work/duckdb/warehouse.duckdb" --work "$work/spark" "$@"; }

echo "== round 1: full build (2022-2023, $(find "$inbox" -type f | wc -l) files)"
refresh --no-checks
compare --no-tests

echo "== round 2: incremental (+2024, +$correction, -$withdrawn)"
cp -r "$work/district/2024" "$inbox/"
cp "$work/district/$correction" "$inbox/$correction"
rm "$inbox/$withdrawn"
refresh  # with the checks: their findings are compared on the serving file
compare --serve "$work/served-parquet"

echo "== serving: the Parquet files Spark wrote, imported for the dashboard"
$UV run juesuan serve "$work/served-parquet" --warehouse "$work/served/warehouse.duckdb"
$UV run python spark/compare_serving.py "$work/duckdb/warehouse.duckdb" "$work/served/warehouse.duckdb"
