"""Integration checks of an OAuth 2.0 authorization server (client credentials flow)."""
