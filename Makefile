# The two commands a newcomer needs (see README.md). Both install what they need.
export DBT_SEND_ANONYMOUS_USAGE_STATS=False
export GX_ANALYTICS_ENABLED=false
export STREAMLIT_BROWSER_GATHER_USAGE_STATS=false

UV := $(shell command -v uv 2>/dev/null || echo "python3 -m uv")

.PHONY: setup demo test lint bench test-spark

setup:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	$(UV) sync --compile-bytecode --quiet

demo: setup
	$(UV) run juesuan demo

test: setup
	$(UV) run pytest

lint: setup
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run sqlfluff lint dbt_project
	$(UV) run python spark/check_portability.py
	$(UV) run mypy

# The dbt project on Spark (local, own venv in spark/.venv; installs Java if missing):
# every mart must equal the DuckDB build (docs/scaling.md).
test-spark: setup
	UV="$(UV)" spark/run.sh

bench: setup
	$(UV) run python bench/bench_parse.py
