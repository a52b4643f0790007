"""The command line (RECORD_SCHEMA.md): serve, registry import, ingest, export.

    mpi serve                 [--db URL] [--host H] [--port 50051]
    mpi registry import FILE  [--db URL]
    mpi ingest FILE           [--db URL] [--format F] [--bulk]
    mpi export FILE           [--db URL]

`--db` defaults to MPI_DATABASE_URL, else sqlite:///mpi.sqlite3 in the working directory. Long commands
show progress on stderr and end with a summary. Exit status: 0 done (rows may have been rejected, the
summary says so), 2 bad usage or an unreadable file.
"""

from __future__ import annotations

import argparse
import csv
import getpass
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from matching import Model
from mpi.api.auth import ROLES, new_token, token_line
from mpi.config import Config
from mpi.errors import MpiError
from mpi.intake.csv_rows import open_text, read_csv
from mpi.intake.detect import FORMATS, open_records
from mpi.intake.items import IntakeFormatError
from mpi.logs import configure_logging
from mpi.review_cli import add_review_commands
from mpi.service.batch import BatchSummary, import_registry_rows, ingest_rows
from mpi.service.bulk import bulk_load
from mpi.service.match import MatchService
from mpi.service.model_registry import ModelRegistry
from mpi.service.queries import EXPORT_COLUMNS, export_rows
from mpi.service.registry import REGISTRY_FIELDS, RegistryService
from mpi.service.rematch import rematch_all
from mpi.service.review import ReviewService
from mpi.service.training import DEFAULT_SAMPLE, train_and_activate
from mpi.store.backup import BackupError, backup, restore
from mpi.store.database import Database

MAX_LISTED_REJECTIONS = 20


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    config = Config.from_env(database_url=args.db, **_serve_overrides(args))
    configure_logging(config.log_level if args.command == "serve" else "WARNING")
    try:
        if args.command == "review":
            db = _open_db(config)
            args.review_service = ReviewService(MatchService(db, ModelRegistry(db).active))
            args.actor = _actor()
        return int(args.run(args, config) or 0)
    except MpiError as error:
        print(f"mpi: {error}", file=sys.stderr)
        return 2
    except IntakeFormatError as error:
        print(f"mpi: {args.file}: {error}", file=sys.stderr)
        return 2
    except FileNotFoundError as error:
        print(f"mpi: {error.filename}: no such file", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mpi", description="Master patient index for Vietnam's health data."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def command(
        name: str, run: Callable[..., int], help_: str, parent: argparse._SubParsersAction | None = None
    ):
        sub = (parent or commands).add_parser(name, help=help_, description=help_)
        sub.add_argument("--db", help="database URL (default: MPI_DATABASE_URL, else sqlite:///mpi.sqlite3)")
        sub.set_defaults(run=run)
        return sub

    serve = command("serve", _serve, "run the gRPC service")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--processes", type=int, help="server processes sharing the port (MPI_PROCESSES; one per core)"
    )
    serve.add_argument("--tokens", dest="auth_tokens_file", help="bearer tokens file (MPI_AUTH_TOKENS_FILE)")
    serve.add_argument(
        "--no-auth", action="store_true", default=None, help="no authentication: local development only"
    )
    serve.add_argument("--tls-cert", help="PEM certificate chain: serve TLS")
    serve.add_argument("--tls-key", help="PEM private key of the certificate")
    serve.add_argument("--client-ca", help="PEM CA bundle: require client certificates (mutual TLS)")
    serve.add_argument(
        "--metrics-port", type=int, help="serve Prometheus metrics on this port (MPI_METRICS_PORT)"
    )
    token = commands.add_parser("token", help="bearer tokens").add_subparsers(
        dest="token_command", required=True
    )
    create = token.add_parser(
        "create", help="make a new token: the token for the caller, the line for the server"
    )
    create.add_argument("name")
    create.add_argument("roles", nargs="+", choices=ROLES)
    create.set_defaults(run=_token_create, db=None)
    registry = commands.add_parser("registry", help="population registry extracts").add_subparsers(
        dest="registry_command", required=True
    )
    command(
        "import", _registry_import, "load or refresh a population registry extract (CSV)", registry
    ).add_argument("file", type=Path)
    ingest = command(
        "ingest", _ingest, "match every record of a file (CSV, 4750 XML, checkup XML, GKSK JSON)"
    )
    ingest.add_argument("file", type=Path)
    ingest.add_argument("--format", choices=FORMATS, default="auto", help="default: chosen from the content")
    ingest.add_argument(
        "--bulk",
        action="store_true",
        help="initial load of an empty index: the same decisions, all cores, one transaction",
    )
    command("export", _export, "write one CSV row per source record with its person and status").add_argument(
        "file", type=Path
    )
    model = commands.add_parser("model", help="matching models").add_subparsers(
        dest="model_command", required=True
    )
    train = command("train", _model_train, "train a model from the store's records and activate it", model)
    train.add_argument("--sample", type=int, default=DEFAULT_SAMPLE, help="records read at most")
    train.add_argument("--target-precision", type=float, default=0.998)
    train.add_argument("--target-recall", type=float, default=0.99)
    show = command("show", _model_show, "print a model's parameters (default: the active one)", model)
    show.add_argument("--version")
    rematch = command("rematch", _rematch, "re-decide every automatic link under the active model")
    rematch.add_argument("--batch", type=int, default=500)
    add_review_commands(commands, command)
    command("backup", _backup, "copy the SQLite store to a new file, online and consistent").add_argument(
        "file", type=Path
    )
    restore_cmd = command("restore", _restore, "replace the SQLite store with a backup")
    restore_cmd.add_argument("file", type=Path)
    restore_cmd.add_argument("--force", action="store_true", help="replace an existing database")
    return parser


def _serve_overrides(args: argparse.Namespace) -> dict[str, Any]:
    names = (
        "host",
        "port",
        "auth_tokens_file",
        "no_auth",
        "tls_cert",
        "tls_key",
        "client_ca",
        "metrics_port",
        "processes",
    )
    return {name: getattr(args, name, None) for name in names}


def _serve(_args: argparse.Namespace, config: Config) -> int:
    from mpi.api.server import ConfigError, serve

    try:
        serve(config)
    except ConfigError as error:
        print(f"mpi: {error}", file=sys.stderr)
        return 2
    return 0


def _backup(args: argparse.Namespace, config: Config) -> int:
    try:
        size = backup(config.database_url, args.file)
    except BackupError as error:
        print(f"mpi: {error}", file=sys.stderr)
        return 2
    print(f"backup: {size} bytes written to {args.file}")
    return 0


def _restore(args: argparse.Namespace, config: Config) -> int:
    try:
        restore(config.database_url, args.file, force=args.force)
    except BackupError as error:
        print(f"mpi: {error}", file=sys.stderr)
        return 2
    print(f"restore: {args.file} is now the database")
    return 0


def _token_create(args: argparse.Namespace, _config: Config) -> int:
    token = new_token()
    print(f"token for {args.name} (give it to the caller, once; it is not stored anywhere):\n  {token}")
    print(f"line for the tokens file (MPI_AUTH_TOKENS_FILE):\n  {token_line(args.name, args.roles, token)}")
    return 0


def _open_db(config: Config) -> Database:
    db = Database(config.database_url)
    db.migrate()
    return db


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def _count_rows(path: Path) -> int:
    with path.open("rb") as handle:
        return max(0, sum(1 for _ in handle) - 1)


def _ingest(args: argparse.Namespace, config: Config) -> int:
    db = _open_db(config)
    matcher = MatchService(db, ModelRegistry(db).active)
    with open_records(args.file, args.format) as (fmt, items, ignored):
        _warn_ignored(ignored)
        total = _count_rows(args.file) if fmt == "csv" else None
        with tqdm(total=total, unit="record", file=sys.stderr, disable=None) as bar:
            if args.bulk:
                summary = bulk_load(db, matcher.model, items, actor=_actor(), tick=bar.update)
            else:
                summary = ingest_rows(matcher, items, actor=_actor(), tick=bar.update)
    _print_summary(
        f"{'bulk load' if args.bulk else 'ingest'} ({fmt})",
        summary,
        ("linked", "new_person", "review", "unchanged"),
    )
    db.dispose()
    return 0


def _registry_import(args: argparse.Namespace, config: Config) -> int:
    db = _open_db(config)
    registry = RegistryService(MatchService(db, ModelRegistry(db).active))
    with open_text(args.file) as handle:
        data = read_csv(handle, known=REGISTRY_FIELDS, required=("national_id", "full_name"))
        _warn_ignored(data.ignored_columns)
        with tqdm(total=_count_rows(args.file), unit="row", file=sys.stderr, disable=None) as bar:
            summary = import_registry_rows(registry, data.rows, actor=_actor(), tick=bar.update)
    _print_summary("registry import", summary, ("created", "attached", "updated", "unchanged"))
    db.dispose()
    return 0


def _export(args: argparse.Namespace, config: Config) -> int:
    db = _open_db(config)
    count = 0
    with args.file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for row in export_rows(db):
            writer.writerow(row)
            count += 1
    print(f"export: {count} records written to {args.file}")
    db.dispose()
    return 0


def _model_train(args: argparse.Namespace, config: Config) -> int:
    db = _open_db(config)
    try:
        model = train_and_activate(
            db, actor=_actor(), sample=args.sample, target_precision=args.target_precision,
            target_recall=args.target_recall,
        )  # fmt: skip
    except ValueError as error:
        print(f"mpi: {error}", file=sys.stderr)
        return 2
    print(f"model {model.version} trained and activated")
    print(format_model(model))
    db.dispose()
    return 0


def _model_show(args: argparse.Namespace, config: Config) -> int:
    db = _open_db(config)
    registry = ModelRegistry(db)
    model = registry.get(args.version) if args.version else registry.active()
    print(format_model(model))
    versions = registry.versions()
    if versions:
        print("\nversions in the store:")
        for v in versions:
            print(f"  {'*' if v.active else ' '} {v.version}  {v.created_at:%Y-%m-%d %H:%M}  {v.created_by}")
    db.dispose()
    return 0


def _rematch(args: argparse.Namespace, config: Config) -> int:
    db = _open_db(config)
    matcher = MatchService(db, ModelRegistry(db).active)
    with tqdm(unit="record", file=sys.stderr, disable=None) as bar:
        summary = rematch_all(matcher, actor=_actor(), batch=args.batch, tick=bar.update)
    total = sum(summary.values())
    parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(summary.items()))
    print(f"rematch under {matcher.model.version}: {total} records examined: {parts or 'nothing to do'}")
    db.dispose()
    return 0


def format_model(model: Model) -> str:
    """A readable table of a model: thresholds, prior, and every level's m, u and weight."""
    lines = [
        f"model {model.version} ({model.comparison_set})",
        f"  prior λ = {model.probability_two_random_records_match:.3g} (weight {model.prior_weight:+.2f})",
        f"  link at ≥ {model.link_threshold:.2f}, review at ≥ {model.review_threshold:.2f}, "
        f"ambiguous within {model.ambiguity_margin:g} bits",
        "",
        f"  {'field':18} {'level':20} {'m':>9} {'u':>10} {'weight':>8}",
    ]
    for field, levels in model.levels.items():
        for label, level in levels.items():
            m, u = level.m_probability, level.u_probability
            lines.append(f"  {field:18} {label:20} {m:9.4f} {u:10.3g} {level.weight:+8.2f}")
    for field, tf in model.term_frequencies.items():
        common = sorted(tf.frequencies.items(), key=lambda kv: -kv[1])[:5]
        shown = ", ".join(f"{v} {share:.1%} ({tf.adjustment(v):+.1f})" for v, share in common)
        lines.append(f"  term frequencies of {field}: {shown}")
    if model.training:
        lines.append(f"  trained: {model.training}")
    return "\n".join(lines)


def _warn_ignored(columns: tuple[str, ...]) -> None:
    if columns:
        print(f"mpi: warning: unknown columns ignored: {', '.join(columns)}", file=sys.stderr)


def _print_summary(title: str, summary: BatchSummary, outcome_keys: tuple[str, ...]) -> None:
    parts = [f"{summary.rows_read} rows read"]
    parts += [f"{summary.outcomes.get(k, 0)} {k.replace('_', ' ')}" for k in outcome_keys]
    parts.append(f"{summary.rejected} rejected")
    print(f"{title}: " + ", ".join(parts))
    if summary.seconds:
        print("  took " + ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in summary.seconds.items()))
    for rejection in summary.rejections[:MAX_LISTED_REJECTIONS]:
        print(f"  rejected {rejection.describe()}")
    if summary.rejected > MAX_LISTED_REJECTIONS:
        print(f"  … and {summary.rejected - MAX_LISTED_REJECTIONS} more; reasons:")
        for reason, n in summary.rejection_reasons().most_common():
            print(f"    {n} × {reason}")


if __name__ == "__main__":
    raise SystemExit(main())
