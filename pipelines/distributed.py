"""The definitions with the `ingest` job on a Dask cluster, through Dagster's own Dask executor.

    dagster dev -m pipelines.distributed        # needs the `dask` extra: uv sync --extra dask

Each step of a run (the extraction, then the warehouse tables) runs as a task on a worker of
the cluster whose scheduler DASK_SCHEDULER_ADDRESS names (`CLUSTER`; another cluster type of
`dagster_dask.dask_executor` is configured the same way, see the README). The workers import this
package, and share with the process that launches the run the Dagster instance (its
`DAGSTER_HOME`), the warehouse and the extraction pickles: on one machine local folders do; on
several, an object-store warehouse (`warehouse_io_manager.base_path`), an object-store folder
for the pickles (`extraction_io_manager.base_path`) and an instance on a database. Dask runs
its workers as daemonic processes by default, which may start no process of their own; the
extraction reads each brochure in one, so the workers need `distributed.worker.daemon: false`.

dagster-dask 0.29.27 cannot run a partitioned run of these assets as it stands: it hands Dask
the run, whose partitions (of a named dynamic partitions definition) are a Dagster record
that refuses iteration, and Dask walks every tuple among a task's arguments, so the run
fails before any step starts ("Iteration is not allowed on `@record` KeyRangesPartitionsSubset").
`dask_executor` below is that executor, unchanged but for the run it hands over: without
that subset, which Dagster itself ignores wherever a run's partitions are read (they come from
the run's partition tags, `DagsterRun.get_resolved_partitions_subset_for_events`).
"""

from typing import Any

import dagster as dg
import dagster_dask
from dagster._core.definitions.executor_definition import multiple_process_executor_requirements
from dagster._core.definitions.partitions.subset.key_ranges import KeyRangesPartitionsSubset
from dagster._core.execution.context.system import PlanOrchestrationContext
from dagster._core.execution.plan.plan import ExecutionPlan
from dagster_dask.executor import DaskExecutor
from dagster_shared.record import copy

from pipelines.definitions import build_defs


class PartitionedDaskExecutor(DaskExecutor):
    """Dagster's Dask executor, given a run without the partitions record Dask cannot walk."""

    def execute(self, plan_context: PlanOrchestrationContext, execution_plan: ExecutionPlan) -> Any:
        """Given a run's orchestration context and plan, return its events, steps run on Dask."""
        run = plan_context.dagster_run
        if isinstance(run.partitions_subset, KeyRangesPartitionsSubset):
            plan_context = PlanOrchestrationContext(
                plan_data=plan_context.plan_data._replace(dagster_run=copy(run, partitions_subset=None)),
                log_manager=plan_context.log,
                executor=plan_context.executor,
                output_capture=plan_context.output_capture,
                resume_from_failure=plan_context.resume_from_failure,
            )
        return super().execute(plan_context, execution_plan)


@dg.executor(
    name="dask",
    config_schema=dagster_dask.dask_executor.config_schema.as_field(),
    requirements=multiple_process_executor_requirements(),
)
def dask_executor(init_context: dg.InitExecutorContext) -> PartitionedDaskExecutor:
    """Given the executor config (`cluster: {type: options}`), return the Dask executor of a run."""
    cluster: dict[str, Any] = init_context.executor_config["cluster"]  # type: ignore[assignment]
    ((cluster_type, cluster_configuration),) = cluster.items()
    return PartitionedDaskExecutor(cluster_type, cluster_configuration)


#: where every run of these definitions runs its steps, the sensor's and the schedule's too (they
#: carry no run config): the scheduler at DASK_SCHEDULER_ADDRESS, the variable Dask's own clients
#: read, looked up when a run starts
CLUSTER = {"cluster": {"existing": {"address": {"env": "DASK_SCHEDULER_ADDRESS"}}}}

defs = build_defs(executor=dask_executor.configured(CLUSTER, name="dask_cluster"))


def ingest_job() -> dg.JobDefinition:
    """Given nothing, return the `ingest` job on the Dask executor (`dg.reconstructable(ingest_job)`)."""
    return defs.resolve_job_def("ingest")
