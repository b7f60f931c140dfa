"""The ``boilerplate`` command: wires the subcommands in :mod:`boilerplate.commands` together.

Each subcommand module has ``register(subparsers)``, which adds its parser and sets
``func(args) -> int``. A :class:`BoilerplateError` becomes a one-line message and exit code 2; an
:class:`OSError` (disk full, permission denied) a one-line message and exit code 1.
"""
from __future__ import annotations

import argparse
import importlib
import sys
from typing import Sequence

from . import __version__
from .errors import BoilerplateError
from .features import FEATURE_VERSION

SUBCOMMANDS = ("classify", "train", "evaluate", "label", "report")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="boilerplate",
        description="Label the blocks of web-page text as body, caption, embed, ad or ticker.",
    )
    parser.add_argument("--version", action="version",
                        version=f"boilerplate {__version__} (feature version {FEATURE_VERSION})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in SUBCOMMANDS:
        module = importlib.import_module(f"boilerplate.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except BoilerplateError as exc:
        print(f"boilerplate {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # the machine's fault, not the user's input: disk full, permissions, a vanished file
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"boilerplate {args.command}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"boilerplate {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
