"""Continuous training of {{ model_name }}: check the policy, retrain, evaluate, promote.

Runs {{ schedule }}. The policy (retraining/policy.py) decides whether this run trains at all;
when it says no, the rest of the DAG is skipped, not failed.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from airflow.decorators import dag, task
from airflow.models import Variable
{%- if executor == 'kubernetes_pod' %}
from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
from kubernetes.client import models as k8s
{%- endif %}

MODEL_NAME = "{{ model_name }}"
# Where runs read and write: one folder per DAG run under this prefix.
ARTIFACTS_ROOT = "s3://ml-artifacts/{{ model_name }}"
{%- if executor == 'kubernetes_pod' %}
IMAGE = Variable.get("{{ model_name | replace: '-', '_' }}_training_image", default_var="ghcr.io/acme/{{ model_name }}-train:latest")
{%- endif %}


def notify_failure(context: dict) -> None:
    """Post the failed task to the team channel (Variable alert_webhook_url, Slack-compatible)."""
    import urllib.request

    url = Variable.get("alert_webhook_url", default_var="")
    if not url:
        return
    ti = context["task_instance"]
    text = f":red_circle: {ti.dag_id}.{ti.task_id} failed for {context['ds']}: {ti.log_url}"
    request = urllib.request.Request(url, data=json.dumps({"text": text}).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10)  # noqa: S310 - configured URL


@dag(
    dag_id="retrain_{{ model_name | replace: '-', '_' }}",
    schedule="{{ schedule }}",
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    max_active_runs=1,
    default_args={
        "owner": "ml-platform",
        "retries": 2,
        "retry_delay": timedelta(minutes=10),
        "on_failure_callback": notify_failure,
    },
    tags=["ml", "retraining", MODEL_NAME],
    doc_md=__doc__,
)
def retrain():
    @task.short_circuit
    def check_policy() -> bool:
        """Skips everything downstream unless a trigger fired."""
        import mlflow

        from retraining.policy import should_retrain

        client = mlflow.MlflowClient()
        champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
        trained_at = datetime.fromtimestamp(champion.creation_timestamp / 1000, tz=timezone.utc)
        drift_path = Variable.get("{{ model_name | replace: '-', '_' }}_drift_report", default_var="")
        drift = None
        if drift_path:
            with open(drift_path, encoding="utf-8") as handle:
                drift = json.load(handle)
        new_labels = int(Variable.get("{{ model_name | replace: '-', '_' }}_new_labels", default_var="0"))
        decision = should_retrain(now=datetime.now(timezone.utc), model_trained_at=trained_at, drift_report=drift, new_labels=new_labels)
        print("retrain" if decision.go else "skip", "-", "; ".join(decision.reasons))
        return decision.go
{%- if executor == 'kubernetes_pod' %}

    # The operator labels each pod with its DAG run; the downward API hands the label to the
    # container, and Kubernetes expands $(AIRFLOW_RUN_ID) in the arguments: no Jinja needed.
    run_id_env = k8s.V1EnvVar(
        name="AIRFLOW_RUN_ID",
        value_from=k8s.V1EnvVarSource(field_ref=k8s.V1ObjectFieldSelector(field_path="metadata.labels['run_id']")),
    )
    artifacts = f"{ARTIFACTS_ROOT}/$(AIRFLOW_RUN_ID)"

    def pod(task_id: str, args: list[str], gpu: bool = False) -> KubernetesPodOperator:
        resources = k8s.V1ResourceRequirements(
            requests={"cpu": "4", "memory": "16Gi", **({"nvidia.com/gpu": "1"} if gpu else {})},
            limits={"memory": "16Gi", **({"nvidia.com/gpu": "1"} if gpu else {})},
        )
        return KubernetesPodOperator(
            task_id=task_id,
            name=f"{MODEL_NAME}-{task_id}",
            namespace="ml-training",
            image=IMAGE,
            arguments=args,
            env_vars=[run_id_env],
            container_resources=resources,
            get_logs=True,
            on_finish_action="delete_succeeded_pod",
            do_xcom_push=task_id == "evaluate",
        )

    extract = pod("extract", ["python", "-m", "pipeline.extract", "--out", f"{artifacts}/data"])
    train = pod("train", ["python", "-m", "pipeline.train", "--data", f"{artifacts}/data", "--out", f"{artifacts}/model"], gpu=True)
    # The evaluate step writes {"run_id": ..., "metrics": {...}} to /airflow/xcom/return.json.
    evaluate = pod("evaluate", ["python", "-m", "pipeline.evaluate", "--model", f"{artifacts}/model", "--xcom"])
{%- else %}

    @task
    def extract() -> str:
        from pipeline.extract import run as run_extract

        return run_extract(out=f"{artifacts}/data")

    @task(execution_timeout=timedelta(hours=6))
    def train(data: str) -> str:
        from pipeline.train import run as run_train

        return run_train(data=data, out=f"{artifacts}/model")

    @task
    def evaluate(model_uri: str) -> dict:
        """Returns {"run_id": ..., "metrics": {...}} for the promotion gate."""
        from pipeline.evaluate import run as run_evaluate

        return run_evaluate(model=model_uri)
{%- endif %}

    @task
    def promote(result) -> str:
        """Challenger vs champion on the promotion metric; the winner gets the champion alias."""
        import mlflow

        from retraining.policy import should_promote

        if isinstance(result, str):
            result = json.loads(result)
        client = mlflow.MlflowClient()
        try:
            champion = client.get_model_version_by_alias(MODEL_NAME, "champion")
            champion_metrics = client.get_run(champion.run_id).data.metrics
        except mlflow.exceptions.MlflowException:
            champion_metrics = None
        decision = should_promote(result["metrics"], champion_metrics)
        print("; ".join(decision.reasons))
        version = mlflow.register_model(f"runs:/{result['run_id']}/model", MODEL_NAME)
        client.set_registered_model_alias(MODEL_NAME, "challenger", version.version)
        if decision.go:
            client.set_registered_model_alias(MODEL_NAME, "champion", version.version)
            return f"promoted version {version.version}"
        return f"kept the champion; version {version.version} is the challenger"
{%- if executor == 'kubernetes_pod' %}

    check_policy() >> extract >> train >> evaluate
    promote(evaluate.output)
{%- else %}

    check_policy() >> (data := extract())
    promote(evaluate(train(data)))
{%- endif %}


retrain()
