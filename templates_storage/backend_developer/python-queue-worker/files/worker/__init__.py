"""Background worker ({{ framework }}) consuming the `{{ queue }}` queue."""
