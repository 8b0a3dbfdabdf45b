"""Webhook receiver harness: verify, record and (optionally) refuse a provider's deliveries."""

from .receiver import Delivery, Receiver, ReceiverConfig
from .signing import SignatureError, sign, verify

__all__ = ["Delivery", "Receiver", "ReceiverConfig", "SignatureError", "sign", "verify"]
