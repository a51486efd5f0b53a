"""Every SQL statement the dashboard runs, one module per page; this package
re-exports them so a page calls ``queries.<function>``. The connection, the
cache and the guards live in ``dashboard.db``."""

import duckdb  # noqa: F401  (tests patch queries.duckdb.connect)

from dashboard.db import *  # noqa: F403
from dashboard.db import clear_cache, close, run, warehouse_path  # noqa: F401
from dashboard.queries.compare import *  # noqa: F403
from dashboard.queries.meta import *  # noqa: F403
from dashboard.queries.outliers import *  # noqa: F403
from dashboard.queries.overview import *  # noqa: F403
from dashboard.queries.quality import *  # noqa: F403
from dashboard.queries.refresh import *  # noqa: F403
from dashboard.queries.roster import *  # noqa: F403
from dashboard.queries.unit import *  # noqa: F403
