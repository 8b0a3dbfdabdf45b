"""Client of the {{ service }} API."""

from {{ package }}.client import ApiError, {% if circuit_breaker %}CircuitOpenError, {% endif %}{{ service | pascal_case }}Client, Response, TransportError

__all__ = ["ApiError", {% if circuit_breaker %}"CircuitOpenError", {% endif %}"{{ service | pascal_case }}Client", "Response", "TransportError"]
