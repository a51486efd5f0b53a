"""``python -m warehouse refresh|status|schedule``: the warehouse commands
without the rest of the CLI (used by the tests and the benchmark)."""

import typer

from warehouse.commands import refresh, schedule, status

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
app.command()(refresh)
app.command()(status)
app.command()(schedule)

if __name__ == "__main__":
    app()
