"""Planning jobs (queue, claim, run, cancel, fail with the field) and saved scenarios
(one transaction, listed, reopened, compared), on a small grid city."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from geodata.analytics.standards import AnalyticsConfig
from geodata.planning import jobs, scenarios
from geodata.planning.errors import PlanningInputError
from geodata.planning.payload import decode_state
from geodata.planning.request import PlanRequest
from tests.geodata.planning.city import PlanningCity

CONFIG = AnalyticsConfig()
REQUEST = PlanRequest(
    agency_kind="fire",
    model="mclp",
    k=2,
    target_min=2.0,
    allowance_min=0.0,
    category_weights={"fire": 1.0},
    population=True,
    incident_share=0.5,
    time_limit_s=10,
    grid_spacing_m=300,
)


def submit(engine: Engine, city: PlanningCity, request: PlanRequest = REQUEST, **kw) -> int:
    with engine.begin() as conn:
        return jobs.submit_job(conn, city.city_id, request, actor="perencana", **kw)


def view(engine: Engine, city: PlanningCity, job_id: int) -> dict:
    with engine.connect() as conn:
        found = jobs.job_view(conn, city.city_id, job_id)
    assert found is not None
    return found


def test_a_job_is_claimed_run_and_keeps_its_result(engine: Engine, planning_city) -> None:
    job_id = submit(engine, planning_city)
    assert view(engine, planning_city, job_id)["status"] == "queued"
    assert jobs.run_next_job(engine, CONFIG, "w1") == "done"
    assert jobs.run_next_job(engine, CONFIG, "w1") is None, "nothing left to claim"
    done = view(engine, planning_city, job_id)
    assert done["status"] == "done" and done["progress"] == 1.0
    result = done["result"]
    summary = result["summary"]
    assert summary["exact"]["status"] == "optimal" and len(summary["exact"]["chosen"]) == 2
    assert summary["after"]["demand_share"] > summary["before"]["demand_share"]
    assert summary["budget_s"] == 120.0 and summary["profile"] == "fire_engine"
    opened = [s for s in result["sites"] if s["open_after"]]
    assert len(opened) == 3 and any(s["existing"] for s in opened)
    replay = {row["category"]: row for row in result["replay"]}
    assert set(replay) == {"fire", "all"} and replay["fire"]["incidents"] == 30
    with engine.connect() as conn:
        raw = conn.execute(
            text("SELECT state FROM planning_jobs WHERE id = :i"), {"i": job_id}
        ).scalar_one()
    whatif = decode_state(bytes(raw))
    assert sorted(whatif.open_sites) == summary["exact"]["sites"]
    existing = next(s["position"] for s in result["sites"] if s["existing"])
    change = whatif.change(remove=existing)
    assert change.after.demand_share <= change.before.demand_share
    assert change.before.demand_share == pytest.approx(summary["after"]["demand_share"])


def test_two_workers_never_take_the_same_job(engine: Engine, planning_city) -> None:
    ids = [submit(engine, planning_city) for _ in range(2)]
    claimed: list[int] = []
    barrier = threading.Barrier(2)

    def take(name: str) -> None:
        other = create_engine(engine.url)
        barrier.wait()
        with other.begin() as conn:
            got = jobs.claim_next(conn, name)
        other.dispose()
        claimed.append(got[0] if got else -1)

    threads = [threading.Thread(target=take, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(claimed) == sorted(ids)


def test_bad_input_fails_the_job_with_the_field(engine: Engine, planning_city) -> None:
    too_many = PlanRequest(
        agency_kind="fire",
        model="mclp",
        k=500,
        target_min=2.0,
        allowance_min=0.0,
        population=True,
        kelurahan_candidates=True,
    )
    job_id = submit(engine, planning_city, too_many)
    assert jobs.run_next_job(engine, CONFIG, "w1") == "failed"
    failed = view(engine, planning_city, job_id)
    assert failed["error"]["field"] == "k" and "only" in failed["error"]["message"]
    weightless = PlanRequest(
        agency_kind="fire",
        model="mclp",
        k=1,
        target_min=0.01,
        allowance_min=0.0,
        population=False,
        kelurahan_candidates=False,
        points=({"name": "jauh", "lon": 105.40, "lat": -5.20},),
    )
    job_id = submit(engine, planning_city, weightless)
    jobs.run_next_job(engine, CONFIG, "w1")
    assert view(engine, planning_city, job_id)["error"]["field"] == "demand"


def test_a_queued_job_cancels_at_once_and_a_running_one_keeps_its_best(
    engine: Engine, planning_city
) -> None:
    job_id = submit(engine, planning_city)
    with engine.begin() as conn:
        assert (
            jobs.cancel_job(conn, planning_city.city_id, job_id, actor="perencana") == "cancelled"
        )
    assert jobs.run_next_job(engine, CONFIG, "w1") is None
    job_id = submit(engine, planning_city)
    with engine.begin() as conn:
        claimed = jobs.claim_next(conn, "w1")
        conn.execute(
            text("UPDATE planning_jobs SET cancel_requested = true WHERE id = :i"), {"i": job_id}
        )
    assert claimed is not None
    assert jobs.run_job(engine, *claimed, CONFIG) == "cancelled"
    assert view(engine, planning_city, job_id)["status"] == "cancelled"


def test_a_dead_workers_job_is_queued_again(engine: Engine, planning_city) -> None:
    job_id = submit(engine, planning_city)
    with engine.begin() as conn:
        jobs.claim_next(conn, "dead")
        conn.execute(text("UPDATE planning_jobs SET heartbeat_at = now() - interval '5 min'"))
        assert jobs.requeue_stale(conn, 60.0) == 1
    assert view(engine, planning_city, job_id)["status"] == "queued"


def run_saved(engine: Engine, city: PlanningCity, name: str, k: int) -> int:
    request = PlanRequest(**{**REQUEST.to_json(), "k": k, "points": ()})
    submit(engine, city, request, scenario_name=name)
    assert jobs.run_next_job(engine, CONFIG, "w1") == "done"
    with engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT id FROM planning_scenarios WHERE name = :n"), {"n": name}
            ).scalar_one()
        )


def test_scenarios_are_saved_with_audit_listed_reopened_and_compared(
    engine: Engine, planning_city
) -> None:
    ids = [run_saved(engine, planning_city, f"Rencana {k}", k) for k in (1, 2, 3)]
    with engine.connect() as conn:
        listed = scenarios.list_scenarios(conn, planning_city.city_id)
        opened = scenarios.load_scenario(conn, planning_city.city_id, ids[1])
        table = scenarios.compare_scenarios(conn, planning_city.city_id, ids)
        audit = conn.execute(
            text(
                "SELECT actor, entity_id FROM audit_log "
                "WHERE action = 'planning.scenario.save' ORDER BY id"
            )
        ).all()
    assert list(listed["name"]) == ["Rencana 3", "Rencana 2", "Rencana 1"]
    assert (listed["created_by"] == "perencana").all()
    assert [a.entity_id for a in audit] == [str(i) for i in ids]
    assert opened is not None and opened["name"] == "Rencana 2"
    assert sum(s["open_after"] for s in opened["sites"]) == 3
    assert {a["area_code"] for a in opened["areas"]} == {"00.02.01.1001", "00.02.01.1002"}
    after = table.set_index("figure").loc["demand_share_after"]
    assert list(table.columns) == ["figure", "Rencana 1", "Rencana 2", "Rencana 3"]
    assert after.is_monotonic_increasing, "coverage never decreases when k grows"
    with pytest.raises(PlanningInputError) as four, engine.connect() as conn:
        scenarios.compare_scenarios(conn, planning_city.city_id, [*ids, 999])
    assert four.value.field == "ids"


def test_a_name_cannot_be_taken_twice(engine: Engine, planning_city) -> None:
    run_saved(engine, planning_city, "Sama", 1)
    with engine.connect() as conn:
        payload = scenarios.load_scenario(conn, planning_city.city_id, 1)
    assert payload is not None
    with pytest.raises(PlanningInputError) as taken, engine.begin() as conn:
        scenarios.save_scenario(
            conn, planning_city.city_id, name=" Sama ", actor="x", payload=payload
        )
    assert taken.value.field == "name"


def test_a_database_gone_mid_save_leaves_nothing(
    engine: Engine, planning_city, monkeypatch
) -> None:
    run_saved(engine, planning_city, "Asal", 1)
    with engine.connect() as conn:
        payload = scenarios.load_scenario(conn, planning_city.city_id, 1)
    assert payload is not None
    killer = create_engine(engine.url, isolation_level="AUTOCOMMIT")

    def vanish(conn, **_kw) -> None:  # the server ends this session after the sites
        pid = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
        conn.execute(text("SELECT 1"))

    monkeypatch.setattr(scenarios, "record", vanish)
    with pytest.raises(OperationalError), engine.begin() as conn:
        scenarios.save_scenario(
            conn, planning_city.city_id, name="Setengah", actor="x", payload=payload
        )
    killer.dispose()
    with engine.connect() as conn:
        counts = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM planning_scenarios WHERE name = 'Setengah'), "
                "(SELECT count(*) FROM planning_scenario_sites), "
                "(SELECT count(*) FROM planning_scenario_areas)"
            )
        ).one()
    assert counts[0] == 0
    assert counts[1] == len(payload["sites"]) and counts[2] == len(payload["areas"])
    assert np.isfinite(payload["summary"]["after"]["demand_share"])


def test_the_worker_thread_runs_queued_jobs_until_stopped(engine: Engine, planning_city) -> None:
    worker = jobs.JobWorker(engine, CONFIG, poll_s=0.1)
    worker.start()
    try:
        job_id = submit(engine, planning_city)
        deadline = time.monotonic() + 60
        while view(engine, planning_city, job_id)["status"] != "done":
            assert time.monotonic() < deadline, "the worker did not finish the job"
            time.sleep(0.2)
    finally:
        worker.stop()
        worker.join(timeout=30)
    assert not worker.is_alive()
    assert view(engine, planning_city, job_id)["result"]["summary"]["exact"]["status"] == "optimal"


def test_the_greedy_result_is_handed_over_before_the_exact_one(
    engine: Engine, planning_city
) -> None:
    from datetime import UTC, datetime

    from geodata.planning.plan import PlanHooks, run_plan

    seen: list = []
    with engine.connect() as conn:
        outcome = run_plan(
            conn,
            planning_city.city_id,
            REQUEST,
            CONFIG,
            now=datetime.now(UTC),
            hooks=PlanHooks(greedy=seen.append),
        )
    assert len(seen) == 1 and seen[0].exact.method == "greedy"
    assert seen[0].after.demand_share <= outcome.after.demand_share
    assert outcome.exact.method == "highs"
