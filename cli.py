"""`juesuan`: the command line. Each area owns its commands in `<area>/commands.py`;
this module only wires them together (keep module-level imports there light)."""

import typer

from ingest.commands import parse

app = typer.Typer(
    help="部门决算公开 comparison warehouse: parse, generate samples, refresh, check.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(parse)


@app.callback()
def main() -> None:
    """部门决算公开 comparison warehouse."""


def _register_optional() -> None:
    # Areas land one by one; a missing area must not break `juesuan parse`.
    import importlib

    for module, names in (
        ("samplegen.commands", ("sample",)),
        ("warehouse.commands", ("refresh", "status", "schedule", "serve")),
        ("warehouse.roster.commands", ("units",)),
        ("expectations.commands", ("check", "ack")),
        ("dashboard.commands", ("demo", "users")),
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name and module.startswith(exc.name):
                continue  # the area has not landed yet
            raise
        for name in names:
            if hasattr(mod, name):
                app.command(name)(getattr(mod, name))


_register_optional()
