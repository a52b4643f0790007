"""`mpi model train`, `mpi model show` and `mpi rematch` on a real store, and one record scored the same
through the batch path and the RPC."""

from __future__ import annotations

from pathlib import Path

import grpc
from sqlalchemy import select

from benchmarks.synthetic import make_population
from matching import RECORD_FIELDS
from mpi.api.server import create_server
from mpi.cli import main
from mpi.config import Config
from mpi.service.model_registry import ModelRegistry, shipped_model
from mpi.service.queries import QueryService
from mpi.store.database import Database
from mpi.store.models import AuditEvent, Link
from mpi.v1 import mpi_pb2 as pb
from mpi.v1 import mpi_pb2_grpc
from tests.test_cli import write_csv


def test_train_show_and_rematch(tmp_path: Path, db_url: str, capsys) -> None:
    population = make_population(700, seed=31)
    records = write_csv(tmp_path / "records.csv", population.records, RECORD_FIELDS)
    assert main(["ingest", str(records), "--db", db_url]) == 0
    capsys.readouterr()
    db = Database(db_url)

    # A reviewer's decision on one record: it must survive any re-match.
    with db.write() as session:
        link = session.scalars(select(Link).where(Link.valid_to.is_(None)).order_by(Link.id).limit(1)).one()
        manual = Link(
            record_id=link.record_id, person_id=link.person_id, kind="manual", decision="linked",
            match_weight=None, explanation={}, model_version="reviewer", reason="checked by hand",
            actor="reviewer", valid_from=link.valid_from,
        )  # fmt: skip
        link.valid_to = link.valid_from
        session.add(manual)
    manual_record = manual.record_id

    assert main(["model", "train", "--db", db_url]) == 0
    trained_out = capsys.readouterr().out
    active = ModelRegistry(db).active()
    assert (
        active.version != shipped_model().version
        and f"model {active.version} trained and activated" in trained_out
    )
    assert "family_name" in trained_out and "term frequencies of family_name" in trained_out

    assert main(["model", "show", "--db", db_url]) == 0
    shown = capsys.readouterr().out
    assert f"model {active.version}" in shown and f"* {active.version}" in shown

    assert main(["rematch", "--db", db_url]) == 0
    summary = capsys.readouterr().out
    assert f"rematch under {active.version}: {len(population.records) - 1} records examined" in summary
    with db.read() as session:
        current = session.scalars(select(Link).where(Link.valid_to.is_(None))).all()
        audits = {e.action for e in session.scalars(select(AuditEvent))}
    assert next(lnk for lnk in current if lnk.record_id == manual_record).kind == "manual"
    assert {lnk.model_version for lnk in current if lnk.kind == "auto"} == {active.version}
    assert "model.activated" in audits

    # A second rematch under the same model changes nothing.
    assert main(["rematch", "--db", db_url]) == 0
    again = capsys.readouterr().out
    assert "unchanged" in again and "relinked" not in again and "rescored" not in again
    db.dispose()


def test_one_record_scores_identically_through_ingest_and_the_rpc(tmp_path: Path) -> None:
    population = make_population(300, seed=32)
    earlier, last = population.records[:-1], population.records[-1]
    urls = [f"sqlite:///{tmp_path / name}.sqlite3" for name in ("batch", "rpc")]
    for url in urls:
        assert (
            main(["ingest", str(write_csv(tmp_path / "earlier.csv", earlier, RECORD_FIELDS)), "--db", url])
            == 0
        )
    assert (
        main(["ingest", str(write_csv(tmp_path / "last.csv", [last], RECORD_FIELDS)), "--db", urls[0]]) == 0
    )
    batch_view = QueryService(Database(urls[0])).get_record(last["source"], last["source_record_id"])

    running = create_server(Config(database_url=urls[1], port=0, no_auth=True))
    running.server.start()
    try:
        with grpc.insecure_channel(f"127.0.0.1:{running.port}") as channel:
            reply = mpi_pb2_grpc.MasterPatientIndexServiceStub(channel).Match(
                pb.MatchRequest(record=pb.SourceRecord(**last))
            )
    finally:
        running.stop(grace=1)
    assert batch_view.link is not None
    assert reply.match_weight == batch_view.link.match_weight
    assert [(e.field, e.level, e.weight) for e in reply.explanation] == [
        (f.field, f.level, f.weight) for f in batch_view.link.explanation
    ]


def test_a_refresh_keeps_the_active_model_and_what_it_learnt_until_another_is_activated(
    db: Database,
) -> None:
    shipped = shipped_model()
    mine = shipped.with_levels(shipped.levels, version="test-a")
    registry = ModelRegistry(db, refresh_seconds=0)  # every call reads the store
    assert registry.active() is shipped
    registry.activate(mine, actor="tester", reason="test")
    first = registry.active()
    assert first.version == "test-a"
    assert registry.active() is first  # the same object, its score cache and sized priors with it
    registry.activate(shipped.with_levels(shipped.levels, version="test-b"), actor="tester", reason="test")
    assert registry.active().version == "test-b"
    registry.activate(mine, actor="tester", reason="back")
    assert registry.active().version == "test-a"
