"""``oauthgen``: validate provider specs, print their JSON Schema, start and list specs.

Exit codes: 0 success, 1 spec errors (or stale output with ``--check``), 2 usage errors
(bad arguments, unreadable paths), 141 when the reader of stdout stopped early
(``oauthgen build --check specs | head -1``), as a shell reports a command ended by SIGPIPE.
Results go to stdout; diagnostics go to stderr.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO, cast, get_args

from runtime.spec import Protocol

from .auth.commands import add_auth_commands
from .build import (
    GenerationError,
    PlannedPackage,
    atomic_write,
    foreign_files,
    generator_version,
    orphans,
    plan,
    write,
)
from .catalogue import installed_providers, render_catalogue
from .draft import add_draft_command
from .spec import SpecError, SpecValidationError, load_spec
from .spec import defaults as spec_defaults
from .spec.errors import START
from .spec.flows import supported_flows
from .spec.kinds import PROVIDER_ID
from .spec.loader import LoadedSpec
from .spec.schema import render_schema
from .spec.starter import starter_spec
from .specdoc import render_spec_doc

EXIT_OK = 0
EXIT_SPEC_ERRORS = 1
EXIT_USAGE = 2
EXIT_BROKEN_PIPE = 128 + 13  # 128 + SIGPIPE (signal.SIGPIPE does not exist on Windows)
SPEC_SUFFIXES = (".yaml", ".yml")
DEFAULT_SPEC_DIR = "specs"

Handler = Callable[[argparse.Namespace], int]


def _err(message: str) -> None:
    print(f"oauthgen: {message}", file=sys.stderr)


class _Findings:
    """Spec files found on the command line, and paths that were not usable."""

    def __init__(self) -> None:
        self.files: list[Path] = []
        self.usage_errors = 0

    def add(self, argument: str) -> None:
        path = Path(argument)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file())
            if not found:
                _err(f"{argument}: no *.yaml spec files in this directory")
                self.usage_errors += 1
            self.files.extend(found)
        elif path.is_file():
            self.files.append(path)
        else:
            _err(f"{argument}: no such file or directory")
            self.usage_errors += 1


def _load_all(files: Sequence[Path], out: TextIO) -> tuple[list[LoadedSpec], int]:
    """Load every file, printing diagnostics to ``out``; returns the specs and an exit code."""
    loaded: list[LoadedSpec] = []
    code = EXIT_OK
    for file in files:
        try:
            spec = load_spec(file)
        except SpecValidationError as exc:
            for diagnostic in exc.diagnostics:
                print(diagnostic, file=out)
            code = max(code, EXIT_SPEC_ERRORS)
        except OSError as exc:
            _err(f"{file}: cannot read: {exc.strerror or exc}")
            code = EXIT_USAGE
        else:
            for warning in spec.warnings:
                print(warning, file=out)
            loaded.append(spec)
    return loaded, code


def _duplicate_ids(loaded: Sequence[LoadedSpec], out: TextIO) -> int:
    """Two specs with one id would generate the same package; report every later one."""
    first: dict[str, LoadedSpec] = {}
    code = EXIT_OK
    for spec in loaded:
        spec_id = spec.spec.id
        if spec_id in first:
            position = spec.positions.get(("id",), START)
            print(
                SpecError(
                    spec.file,
                    position.line,
                    position.column,
                    "id",
                    f"provider id '{spec_id}' is also used by {first[spec_id].file}",
                    "give each provider its own id",
                ),
                file=out,
            )
            code = EXIT_SPEC_ERRORS
        else:
            first[spec_id] = spec
    return code


def _cmd_validate(args: argparse.Namespace) -> int:
    findings = _Findings()
    for argument in args.specs:
        findings.add(argument)
    loaded, code = _load_all(findings.files, sys.stderr)
    code = max(code, _duplicate_ids(loaded, sys.stderr))
    for spec in loaded:
        if args.fail_on_warning and spec.warnings:
            code = max(code, EXIT_SPEC_ERRORS)
        print(f"{spec.file}: ok ({spec.spec.id}, {spec.spec.protocol})")
    return EXIT_USAGE if findings.usage_errors else code


def _cmd_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(render_schema())
    return EXIT_OK


def _cmd_new(args: argparse.Namespace) -> int:
    name: str = args.name
    problem = PROVIDER_ID.extra_check(name) if PROVIDER_ID.extra_check else None
    if not re.fullmatch(PROVIDER_ID.pattern, name):
        _err(f"new: {name!r} is not a valid provider id (hint: {PROVIDER_ID.hint})")
        return EXIT_USAGE
    if problem:
        _err(f"new: {problem.message} (hint: {problem.hint})")
        return EXIT_USAGE
    sys.stdout.write(starter_spec(name, cast(Protocol, args.protocol)))
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    directory = Path(args.directory or DEFAULT_SPEC_DIR)
    if args.directory is None and not directory.is_dir():
        return _list_rows(installed_providers(), EXIT_OK)
    if not directory.is_dir():
        _err(f"list: {args.directory}: not a directory")
        return EXIT_USAGE
    files = sorted(p for p in directory.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file())
    loaded, code = _load_all(files, sys.stderr)
    code = max(code, _duplicate_ids(loaded, sys.stderr))
    return _list_rows(
        [
            (s.spec.id, s.spec.protocol, ", ".join(supported_flows(s.spec)))
            for s in sorted(loaded, key=lambda s: s.spec.id)
        ],
        code,
    )


def _list_rows(found: Sequence[tuple[str, str, str]], code: int) -> int:
    rows = [("ID", "PROTOCOL", "FLOWS"), *found]
    widths = [max(len(row[column]) for row in rows) for column in range(2)]
    for spec_id, protocol, flows in rows:
        print(f"{spec_id:<{widths[0]}}  {protocol:<{widths[1]}}  {flows}".rstrip())
    return code


def _cmd_catalogue(args: argparse.Namespace) -> int:
    directory = Path(args.directory)
    if not directory.is_dir():
        _err(f"catalogue: {args.directory}: not a directory")
        return EXIT_USAGE
    files = sorted(p for p in directory.iterdir() if p.suffix in SPEC_SUFFIXES and p.is_file())
    loaded, code = _load_all(files, sys.stderr)
    code = max(code, _duplicate_ids(loaded, sys.stderr))
    if code != EXIT_OK:
        _err("catalogue: nothing written")
        return code
    return _write_page(
        args,
        render_catalogue(loaded),
        ["catalogue", args.directory, "--out", args.out],
        f"{len(loaded)} providers",
    )


def _cmd_docs(args: argparse.Namespace) -> int:
    return _write_page(args, render_spec_doc(), ["docs", "--out", args.out], "the spec format")


def _write_page(args: argparse.Namespace, text: str, command: list[str], summary: str) -> int:
    """Write a generated page to ``args.out`` (atomically, only when it changed), or with
    ``args.check`` write nothing and exit 1 when the file differs from ``text``."""
    out = Path(args.out)
    name = command[0]
    current = out.read_text(encoding="utf-8") if out.is_file() else None
    if args.check:
        if current != text:
            state = "missing" if current is None else "stale"
            again = shlex.join(["oauthgen", *command])
            _err(f"{name} --check: {out.as_posix()} is {state}; regenerate with `{again}`")
            return EXIT_SPEC_ERRORS
        print(f"{out.as_posix()} is up to date ({summary})", file=sys.stderr)
        return EXIT_OK
    if current != text:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(out, text.encode("utf-8"))
        except OSError as exc:
            _err(f"{name}: {exc.filename or out}: {exc.strerror or exc}")
            return EXIT_USAGE
    state = "written" if current != text else "unchanged"
    print(f"oauthgen: {out.as_posix()} ({summary}): {state}", file=sys.stderr)
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    findings = _Findings()
    for argument in args.specs:
        findings.add(argument)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        _err(f"build: --out {args.out}: not a directory")
        findings.usage_errors += 1
    if findings.usage_errors:
        _err("build: nothing written")
        return EXIT_USAGE
    loaded, code = _load_all(findings.files, sys.stderr)
    code = max(code, _duplicate_ids(loaded, sys.stderr))
    packages: list[PlannedPackage] = []
    for spec in loaded:
        try:
            packages.append(plan(spec, out))
        except GenerationError as exc:
            _err(f"internal error (please report it): {exc}")
            code = max(code, EXIT_SPEC_ERRORS)
        except OSError as exc:
            _err(f"build: {exc.filename or args.out}: {exc.strerror or exc}")
            code = EXIT_USAGE
    if code != EXIT_OK:
        _err("build: nothing written" if not args.check else "build --check: not checked")
        return code
    if args.check:
        return _report_check(packages, out, args)
    foreign = foreign_files(packages)
    for path in foreign:
        _err(f"build: {path.as_posix()} was not written by oauthgen; refusing to replace it")
    if foreign:
        _err("build: nothing written (move those files, or choose another --out)")
        return EXIT_USAGE
    return _write_packages(packages, out)


def _report_check(packages: Sequence[PlannedPackage], out: Path, args: argparse.Namespace) -> int:
    # A module whose only difference is an older generator's stamp is current (see build).
    stale = [
        file
        for package in packages
        for file in package.files
        if file.status not in ("unchanged", "restamp")
    ]
    orphaned = orphans(out, [package.provider_id for package in packages])
    for file in stale:
        note = " (missing)" if file.status == "missing" else ""
        print(f"STALE {file.path.as_posix()}{note}")
    for path in orphaned:
        print(f"ORPHANED {path.as_posix()} (no spec in this batch generates it)")
    if stale or orphaned:
        command = shlex.join(["oauthgen", "build", *args.specs, "--out", args.out])
        _err(
            f"build --check: {len(stale)} stale and {len(orphaned)} orphaned file(s); "
            f"regenerate with `{command}` and delete orphaned packages"
        )
    # Modules embed only what differs from the runtime's copy of the format's defaults.
    defaults_stale = spec_defaults.stale_files()
    for path in defaults_stale:
        print(f"STALE {path.as_posix()} (written from the spec format's model)")
    if defaults_stale:
        _err(f"build --check: regenerate the spec defaults with `{spec_defaults.REGENERATE}`")
    if stale or orphaned or defaults_stale:
        return EXIT_SPEC_ERRORS
    print(f"{len(packages)} package(s) in {out.as_posix()} are up to date", file=sys.stderr)
    return EXIT_OK


def _write_packages(packages: Sequence[PlannedPackage], out: Path) -> int:
    written = 0
    for index, package in enumerate(packages, start=1):
        try:
            write(package)
        except OSError as exc:
            _err(f"build: {exc.filename or package.directory}: {exc.strerror or exc}")
            return EXIT_USAGE
        written += package.changed
        if len(packages) > 1:
            state = "written" if package.changed else "unchanged"
            print(
                f"[{index}/{len(packages)}] {package.spec_file} -> "
                f"{package.directory.as_posix()}/ ({state})",
                file=sys.stderr,
            )
    print(
        f"oauthgen: {len(packages)} package(s) in {out.as_posix()}: "
        f"{written} written, {len(packages) - written} unchanged",
        file=sys.stderr,
    )
    return EXIT_OK


def _subcommand(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    summary: str,
    example: str,
    handler: Handler,
) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        name,
        help=summary,
        description=summary,
        epilog=f"example:\n  {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oauthgen",
        description="Typed OAuth clients generated from provider specs (YAML).",
        epilog=(
            "examples:\n"
            "  oauthgen new acme > specs/acme.yaml\n"
            "  oauthgen validate specs/\n"
            "  oauthgen list specs\n"
            "  oauthgen build specs --out generated\n"
            "  oauthgen login github && oauthgen token github\n"
            "\nexit codes: 0 ok, 1 spec errors or stale output (--check), 2 usage errors,"
            "\n  141 when the reader of the output stopped early (| head); login, token, logout"
            "\n  and status add 3-8 and 130 (see `oauthgen login --help`)"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {generator_version()}",
        help="print the installed version (0+unknown when run from a source tree) and exit",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = _subcommand(
        subparsers,
        "validate",
        "check specs and report every problem as file:line:col: path: message",
        "oauthgen validate specs/github.yaml specs/",
        _cmd_validate,
    )
    validate.add_argument("specs", nargs="+", metavar="SPEC", help="spec file or directory")
    validate.add_argument(
        "--fail-on-warning", action="store_true", help="exit 1 when a spec has warnings"
    )

    _subcommand(
        subparsers,
        "schema",
        "print the JSON Schema (draft 2020-12) of the spec format",
        "oauthgen schema > schema/provider-spec.schema.json",
        _cmd_schema,
    )

    new = _subcommand(
        subparsers,
        "new",
        "print a commented starter spec that validates",
        "oauthgen new acme --protocol oidc > specs/acme.yaml",
        _cmd_new,
    )
    new.add_argument("name", metavar="NAME", help="provider id: lowercase letters, digits, _")
    new.add_argument(
        "--protocol", choices=get_args(Protocol), default="oauth2", help="default: oauth2"
    )

    listing = _subcommand(
        subparsers,
        "list",
        "list the providers in a spec directory with their protocol and flows",
        "oauthgen list specs",
        _cmd_list,
    )
    listing.add_argument(
        "directory",
        nargs="?",
        default=None,
        metavar="DIR",
        help="default: specs, or the clients installed with oauthgen when there is no specs/",
    )

    catalogue = _subcommand(
        subparsers,
        "catalogue",
        "write the provider catalogue (Markdown) from a spec directory",
        "oauthgen catalogue specs --out docs/catalogue.md --check",
        _cmd_catalogue,
    )
    catalogue.add_argument(
        "directory", nargs="?", default=DEFAULT_SPEC_DIR, metavar="DIR", help="default: specs"
    )
    catalogue.add_argument(
        "--out", default="docs/catalogue.md", metavar="FILE", help="default: docs/catalogue.md"
    )
    catalogue.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when FILE is stale"
    )

    docs = _subcommand(
        subparsers,
        "docs",
        "write docs/spec.md, every key of the spec format in words, from the JSON Schema",
        "oauthgen docs --out docs/spec.md --check",
        _cmd_docs,
    )
    docs.add_argument("--out", default="docs/spec.md", metavar="FILE", help="default: docs/spec.md")
    docs.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when FILE is stale"
    )

    build = _subcommand(
        subparsers,
        "build",
        "generate typed client packages (<out>/<id>/__init__.py + py.typed) from specs",
        "oauthgen build specs/ --out generated --check",
        _cmd_build,
    )
    build.add_argument("specs", nargs="+", metavar="SPEC|DIR", help="spec file or directory")
    build.add_argument("--out", default="generated", metavar="DIR", help="default: generated")
    build.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 listing stale and orphaned generated files",
    )
    add_auth_commands(subparsers, _subcommand)
    add_draft_command(subparsers, _subcommand)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        code = _run(argv)
        sys.stdout.flush()  # a closed pipe fails here, not in the interpreter's last flush
    except BrokenPipeError:
        # Whoever read stdout has stopped (`| head -1`); there is no one left to tell.
        # Point both streams at /dev/null so the interpreter's final flush is quiet too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.stdout, sys.stderr):
            os.dup2(devnull, stream.fileno())
        os.close(devnull)
        return EXIT_BROKEN_PIPE
    return code


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help and on usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    handler = cast(Handler, args.handler)
    return handler(args)
