"""Fixtures of the geocoder tests; the helpers themselves live in geocode_support."""

from tests.geocode.geocode_support import ban_service, service

__all__ = ["ban_service", "service"]
