import os

REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
QUEUE = "{{ queue }}"
MAX_RETRIES = {{ max_retries }}
TIME_LIMIT_SECONDS = {{ time_limit }}
