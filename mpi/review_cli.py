"""`mpi review …`: the review queue in a terminal, for reviewers without a UI.

    mpi review list [--type T] [--status open] [--source S] [--province P] [--limit 50]
    mpi review show TASK
    mpi review resolve TASK --action link|keep-apart|merge|split [--person P] [--merge-person P]
                            [--records SOURCE/ID,…] --reason "…" [--version N]
    mpi review undo TASK --reason "…" [--version N]

`show` prints the record beside each candidate, field by field, normalized values and weights, with
the fields that differ marked `≠`. Without --version, resolve and undo use the version `show` printed
last in this same call (the current one): pass --version to be safe against a colleague's change.
"""

from __future__ import annotations

import argparse
from typing import Any

from mpi.service.review import RecordKey, ReviewService

TYPES = (
    "possible_match",
    "ambiguous",
    "national_id_conflict",
    "registry_mismatch",
    "possible_duplicate_persons",
)


def add_review_commands(commands: Any, command: Any) -> None:
    review = commands.add_parser("review", help="the review queue").add_subparsers(
        dest="review_command", required=True
    )
    listing = command("list", _list, "tasks in priority order", review)
    listing.add_argument("--type", choices=TYPES)
    listing.add_argument("--status", default="open", choices=("open", "resolved", "superseded"))
    listing.add_argument("--source")
    listing.add_argument("--province")
    listing.add_argument("--limit", type=int, default=50)
    show = command("show", _show, "one task, the record beside its candidates", review)
    show.add_argument("task")
    resolve = command("resolve", _resolve, "resolve a task", review)
    resolve.add_argument("task")
    resolve.add_argument("--action", required=True, choices=("link", "keep-apart", "merge", "split"))
    resolve.add_argument("--person", default="")
    resolve.add_argument("--merge-person", default="")
    resolve.add_argument("--records", default="", help="SOURCE/ID,SOURCE/ID (split)")
    resolve.add_argument("--reason", required=True)
    resolve.add_argument("--version", type=int)
    undo = command("undo", _undo, "undo a task's resolution and reopen it", review)
    undo.add_argument("task")
    undo.add_argument("--reason", required=True)
    undo.add_argument("--version", type=int)


def _service(args: argparse.Namespace) -> ReviewService:
    return args.review_service  # set by mpi.cli before the command runs


def _list(args: argparse.Namespace, _config: Any) -> int:
    tasks, _ = _service(args).list_tasks(
        type=args.type,
        status=args.status,
        source=args.source,
        province_code=args.province,
        page_size=args.limit,
    )
    if not tasks:
        print("no tasks")
        return 0
    print(f"{'task':32}  {'type':26} {'pri':>3}  {'source':14} {'created':16}  reason")
    for t in tasks:
        created = f"{t.created_at:%Y-%m-%d %H:%M}"
        print(f"{t.id:32}  {t.type:26} {t.priority:>3}  {t.source or '':14} {created:16}  {t.reason}")
    return 0


def _show(args: argparse.Namespace, _config: Any) -> int:
    view = _service(args).get_task(args.task)
    task = view.task
    print(f"task {task.id}  {task.type}  {task.status}  priority {task.priority}  version {task.version}")
    print(f"  {task.reason}")
    if view.record_key is not None:
        print(f"  record {view.record_key.source}/{view.record_key.source_record_id}")
    if view.person is not None:
        print(f"  person {view.person.id} ({view.person.full_name}, {view.person.birth_date or '?'})")
    for candidate in view.candidates:
        person = candidate.person
        nid, weight = person.national_id or "-", candidate.match_weight
        print(f"\n  candidate {person.id}  national ID {nid}  weight {weight:+.1f}  version {person.version}")
        if not candidate.fields:
            continue
        print(f"    {'':2}{'field':17} {'record':30} {'candidate':30} {'level':24} {'weight':>7}")
        for f in candidate.fields:
            mark = "≠" if f.differs else " "
            a, b, level = f.record_value[:30], f.candidate_value[:30], f.level[:24]
            print(f"    {mark} {f.field:17} {a:30} {b:30} {level:24} {f.weight:+7.1f}")
    if task.resolution:
        at = f"{task.resolved_at:%Y-%m-%d %H:%M}" if task.resolved_at else "?"
        print(f"\n  resolved by {task.resolved_by} at {at}: {task.resolution.get('action')}")
    return 0


def _current_version(service: ReviewService, task_id: str, given: int | None) -> int:
    return given if given is not None else service.get_task(task_id).task.version


def _resolve(args: argparse.Namespace, config: Any) -> int:
    service = _service(args)
    records = [RecordKey(*item.split("/", 1)) for item in args.records.split(",") if "/" in item]
    task, person = service.resolve(
        args.task,
        version=_current_version(service, args.task, args.version),
        action=args.action.replace("-", "_"),
        actor=args.actor,
        reason=args.reason,
        person_id=args.person,
        merge_person_id=args.merge_person,
        records=records,
    )
    print(f"task {task.id} resolved ({args.action}); person {person or '-'}; version now {task.version}")
    return 0


def _undo(args: argparse.Namespace, config: Any) -> int:
    service = _service(args)
    task = service.undo(
        args.task,
        version=_current_version(service, args.task, args.version),
        actor=args.actor,
        reason=args.reason,
    )
    print(f"task {task.id} reopened; version now {task.version}")
    return 0
