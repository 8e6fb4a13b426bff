"""The real redis-server of the token store tests, for the README's token store example."""

from tests.runtime.stores.conftest import redis_port

__all__ = ["redis_port"]
