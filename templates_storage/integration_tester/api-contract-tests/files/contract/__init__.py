"""Contract-testing helpers: load an OpenAPI document and check responses against it."""

from .openapi import ContractViolation, OpenAPIContract, Operation, load_spec

__all__ = ["ContractViolation", "OpenAPIContract", "Operation", "load_spec"]
