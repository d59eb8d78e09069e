"""Write the CLI reference (docs/cli.md) from the commands' own --help, so it cannot drift.

    python -m kxgraph.cli._docs > docs/cli.md
"""

from __future__ import annotations

import click

from kxgraph.cli import main


def cli_reference() -> str:
    """Return the Markdown reference of ``kx`` and every command, from their --help texts."""
    parts = ["# `kx` command reference\n",
             "Generated from `kx --help` and each command's `--help` by "
             "`python -m kxgraph.cli._docs > docs/cli.md`; a test keeps it in step.\n"]
    ctx = click.Context(main, info_name="kx", help_option_names=["-h", "--help"])
    parts.append(f"## kx\n\n```text\n{main.get_help(ctx)}\n```\n")
    for name in main.list_commands(ctx):
        command = main.get_command(ctx, name)
        sub = click.Context(command, info_name=name, parent=ctx, help_option_names=["-h", "--help"])
        parts.append(f"## kx {name}\n\n```text\n{command.get_help(sub)}\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    click.echo(cli_reference(), nl=False)
