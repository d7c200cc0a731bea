"""Planning runs outside the web request: a job table in PostgreSQL that any worker of any
process picks up, with progress, cancel and the result kept.

A request queues a job (:func:`submit_job`) and returns at once. Each app process runs a
:class:`JobWorker` thread that claims the oldest queued job with ``SELECT … FOR UPDATE
SKIP LOCKED`` (so two workers never take the same job, and none waits on another),
runs it (:func:`run_job`) with a heartbeat, and writes the result, or the error naming
the field, or "cancelled" with the best solution found so far. A job whose worker died
(no heartbeat for ``stale_s``) is queued again by whichever worker looks next. Nothing is
kept in the process: the state of every job is its row.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import OperationalError

from geodata.analytics.standards import AnalyticsConfig
from geodata.operations.audit import record
from geodata.planning.errors import PlanningInputError
from geodata.planning.payload import encode_state, outcome_payload
from geodata.planning.plan import PlanHooks, PlanOutcome, run_plan
from geodata.planning.request import PlanRequest
from geodata.planning.scenarios import save_scenario

__all__ = [
    "JobWorker",
    "cancel_job",
    "claim_next",
    "job_view",
    "requeue_stale",
    "run_job",
    "run_next_job",
    "submit_job",
]

LOG = logging.getLogger(__name__)
#: How often a running job looks at its cancel flag and beats its heart (seconds).
CHECK_EVERY_S = 0.5


class JobCancelledError(Exception):
    """The job was cancelled before its solve began."""


def submit_job(
    conn: Connection,
    city_id: int,
    request: PlanRequest,
    *,
    actor: str,
    scenario_name: str | None = None,
) -> int:
    """Queue ``request``; returns the job id. ``scenario_name``: save the result under it."""
    data = request.to_json() | ({"scenario_name": scenario_name} if scenario_name else {})
    job_id = conn.execute(
        text(
            "INSERT INTO planning_jobs (city_id, created_by, request) "
            "VALUES (:c, :actor, CAST(:request AS jsonb)) RETURNING id"
        ),
        {"c": city_id, "actor": actor, "request": json.dumps(data)},
    ).scalar_one()
    record(
        conn,
        actor=actor,
        action="planning.job.submit",
        entity="planning_job",
        entity_id=job_id,
        details={"model": request.model, "k": request.k},
    )
    return int(job_id)


def job_view(conn: Connection, city_id: int, job_id: int) -> dict[str, Any] | None:
    """A job's status, progress, step, error and result (None: no such job here)."""
    row = (
        conn.execute(
            text(
                "SELECT id, status, progress, step, created_by, created_at, started_at, "
                "finished_at, cancel_requested, result, error, request "
                "FROM planning_jobs WHERE id = :id AND city_id = :c"
            ),
            {"id": job_id, "c": city_id},
        )
        .mappings()
        .one_or_none()
    )
    if row is None:
        return None
    view = dict(row)
    for key in ("created_at", "started_at", "finished_at"):
        view[key] = view[key].isoformat() if view[key] is not None else None
    return view


def cancel_job(conn: Connection, city_id: int, job_id: int, *, actor: str) -> str | None:
    """Cancel: a queued job at once, a running one at its next check. Returns the status
    (None: no such job)."""
    status = conn.execute(
        text(
            "UPDATE planning_jobs SET cancel_requested = true, "
            "status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END, "
            "finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END "
            "WHERE id = :id AND city_id = :c RETURNING status"
        ),
        {"id": job_id, "c": city_id},
    ).scalar_one_or_none()
    if status is not None:
        record(
            conn, actor=actor, action="planning.job.cancel", entity="planning_job", entity_id=job_id
        )
    return status


def claim_next(conn: Connection, worker: str) -> tuple[int, int, dict[str, Any]] | None:
    """Take the oldest queued job (skipping any another worker is taking): its id, city
    and request; None when there is none."""
    row = conn.execute(
        text("""
        UPDATE planning_jobs SET status = 'running', started_at = now(), heartbeat_at = now(),
               worker = :worker, step = 'queued'
        WHERE id = (SELECT id FROM planning_jobs WHERE status = 'queued'
                    ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
        RETURNING id, city_id, request
        """),
        {"worker": worker},
    ).one_or_none()
    return None if row is None else (int(row.id), int(row.city_id), dict(row.request))


def requeue_stale(conn: Connection, stale_s: float) -> int:
    """Queue again the running jobs whose worker has not beaten for ``stale_s`` seconds."""
    return conn.execute(
        text(
            "UPDATE planning_jobs SET status = 'queued', worker = NULL, step = NULL "
            "WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => :s)"
        ),
        {"s": stale_s},
    ).rowcount


class _Beat:
    """Progress and cancel checks of one running job, each in its own short transaction."""

    def __init__(self, engine: Engine, job_id: int) -> None:
        self.engine, self.job_id = engine, job_id
        self.checked, self.cancelled = 0.0, False

    def progress(self, step: str, share: float) -> None:
        with self.engine.begin() as conn:
            cancelled = conn.execute(
                text(
                    "UPDATE planning_jobs SET step = :step, progress = :p, heartbeat_at = now() "
                    "WHERE id = :id RETURNING cancel_requested"
                ),
                {"step": step, "p": min(max(share, 0.0), 1.0), "id": self.job_id},
            ).scalar_one()
        if cancelled and step != "results":
            self.cancelled = True
            if step in ("read", "matrix"):
                raise JobCancelledError

    def greedy(self, outcome: PlanOutcome) -> None:
        """Show the greedy result at once: the job's result until the exact one lands."""
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE planning_jobs SET result = CAST(:result AS jsonb), "
                    "heartbeat_at = now() WHERE id = :id"
                ),
                {"result": json.dumps(outcome_payload(outcome)), "id": self.job_id},
            )

    def should_stop(self) -> bool:
        now = time.monotonic()
        if now - self.checked >= CHECK_EVERY_S:
            self.checked = now
            with self.engine.begin() as conn:
                self.cancelled = bool(
                    conn.execute(
                        text(
                            "UPDATE planning_jobs SET heartbeat_at = now() WHERE id = :id "
                            "RETURNING cancel_requested"
                        ),
                        {"id": self.job_id},
                    ).scalar_one()
                )
        return self.cancelled


def _finish(engine: Engine, job_id: int, status: str, **values: Any) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE planning_jobs SET status = CAST(:status AS varchar), finished_at = now(), "
                "progress = CASE WHEN CAST(:status AS varchar) = 'done' THEN 1 ELSE progress END, "
                "result = CAST(:result AS jsonb), error = CAST(:error AS jsonb), "
                "state = :state WHERE id = :id"
            ),
            {
                "id": job_id,
                "status": status,
                "result": json.dumps(values.get("result")),
                "error": json.dumps(values.get("error")),
                "state": values.get("state"),
            },
        )


def run_job(
    engine: Engine,
    job_id: int,
    city_id: int,
    request_json: dict[str, Any],
    config: AnalyticsConfig,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> str:
    """Run a claimed job to its end; returns its final status. Never raises for the job's
    own failures: they are stored (a :class:`PlanningInputError` with its field)."""
    beat = _Beat(engine, job_id)
    data = dict(request_json)
    scenario_name = data.pop("scenario_name", None)
    try:
        request = PlanRequest.from_json(data)
        with engine.connect() as conn:
            outcome = run_plan(
                conn,
                city_id,
                request,
                config,
                now=now(),
                hooks=PlanHooks(beat.progress, beat.should_stop, beat.greedy),
            )
        payload = outcome_payload(outcome)
        status = "cancelled" if beat.cancelled else "done"
        if scenario_name and status == "done":
            with engine.begin() as conn:
                actor = conn.execute(
                    text("SELECT created_by FROM planning_jobs WHERE id = :id"), {"id": job_id}
                ).scalar_one()
                payload["scenario_id"] = save_scenario(
                    conn, city_id, name=scenario_name, actor=actor, payload=payload
                )
        _finish(engine, job_id, status, result=payload, state=encode_state(outcome.whatif))
        return status
    except JobCancelledError:
        _finish(engine, job_id, "cancelled", error={"field": None, "message": "cancelled"})
        return "cancelled"
    except PlanningInputError as error:
        _finish(engine, job_id, "failed", error={"field": error.field, "message": error.message})
        return "failed"
    except Exception as error:  # stored for the user, logged for us: never a lost job
        LOG.exception("planning job %s failed", job_id)
        _finish(
            engine,
            job_id,
            "failed",
            error={"field": None, "message": f"internal error: {type(error).__name__}"},
        )
        return "failed"


def run_next_job(engine: Engine, config: AnalyticsConfig, worker: str) -> str | None:
    """Claim and run one queued job; its final status, or None when none was queued."""
    with engine.begin() as conn:
        claimed = claim_next(conn, worker)
    if claimed is None:
        return None
    return run_job(engine, *claimed, config)


class JobWorker(threading.Thread):
    """A daemon thread of one app process: runs queued jobs one after another, looking
    every ``poll_s`` seconds; requeues jobs left by a dead worker after ``stale_s``."""

    def __init__(
        self, engine: Engine, config: AnalyticsConfig, *, poll_s: float = 1.0, stale_s: float = 60.0
    ) -> None:
        super().__init__(name="planning-jobs", daemon=True)
        self.engine, self.config, self.poll_s, self.stale_s = engine, config, poll_s, stale_s
        self.worker = f"{os.uname().nodename}:{os.getpid()}:{id(self):x}"
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                with self.engine.begin() as conn:
                    requeue_stale(conn, self.stale_s)
                status = run_next_job(self.engine, self.config, self.worker)
            except OperationalError as error:  # the database is away: wait, try again
                LOG.warning(
                    "planning worker %s: database unavailable (%s)",
                    self.worker,
                    str(error.orig).splitlines()[0] if error.orig else error,
                )
                self.stopping.wait(self.poll_s * 10)
                continue
            except Exception:
                LOG.exception("planning worker %s", self.worker)
                status = None
            if status is None:
                self.stopping.wait(self.poll_s)

    def stop(self) -> None:
        self.stopping.set()
