"""Tasks. Each is idempotent: a retry or a duplicate delivery must not do the work twice."""
import json
import logging

from . import settings
{%- if framework == 'celery' %}
from celery import Celery

app = Celery("worker", broker=settings.REDIS_URL, backend=settings.REDIS_URL)
app.conf.update(
    task_default_queue=settings.QUEUE,
    task_acks_late=True,  # a task killed mid-way is redelivered
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_time_limit=settings.TIME_LIMIT_SECONDS,
    task_soft_time_limit=max(1, settings.TIME_LIMIT_SECONDS - 10),
)
{%- else %}
from redis import Redis
from rq import Queue, Retry

redis = Redis.from_url(settings.REDIS_URL)
queue = Queue(settings.QUEUE, connection=redis, default_timeout=settings.TIME_LIMIT_SECONDS)
{%- endif %}

log = logging.getLogger("worker")
_done: set[str] = set()  # replace with a table or Redis set keyed by idempotency key


def _already_done(key: str) -> bool:
    if key in _done:
        log.info(json.dumps({"event": "skipped_duplicate", "key": key}))
        return True
    return False

{% if framework == 'celery' %}
@app.task(bind=True, autoretry_for=(ConnectionError, TimeoutError), retry_backoff=True,
          retry_jitter=True, max_retries=settings.MAX_RETRIES)
def send_receipt(self, order_id: str, email: str) -> str:
    key = f"receipt:{order_id}"
    if _already_done(key):
        return "duplicate"
    log.info(json.dumps({"event": "send_receipt", "order_id": order_id, "attempt": self.request.retries}))
    _done.add(key)
    return "sent"


def enqueue_receipt(order_id: str, email: str):
    return send_receipt.apply_async(args=[order_id, email], queue=settings.QUEUE)
{%- else %}
def send_receipt(order_id: str, email: str) -> str:
    key = f"receipt:{order_id}"
    if _already_done(key):
        return "duplicate"
    log.info(json.dumps({"event": "send_receipt", "order_id": order_id}))
    _done.add(key)
    return "sent"


def enqueue_receipt(order_id: str, email: str):
    intervals = [min(600, 10 * 2**i) for i in range(settings.MAX_RETRIES)]
    return queue.enqueue(send_receipt, order_id, email,
                         retry=Retry(max=settings.MAX_RETRIES, interval=intervals) if intervals else None,
                         job_id=f"receipt:{order_id}")
{%- endif %}
