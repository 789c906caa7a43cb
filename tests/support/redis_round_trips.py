"""A Redis client that records each round trip it makes: a pipeline's commands, or one command."""
from __future__ import annotations


class RoundTrips:
    """Wraps a real client; `trips` lists each round trip as the command names it carried."""

    def __init__(self, client) -> None:
        self.client, self.trips = client, []

    def pipeline(self, transaction: bool = True):
        real = self.client.pipeline(transaction=transaction)
        commands: list[str] = []
        trips = self.trips

        class Recording:
            def __getattr__(self, name):
                attr = getattr(real, name)
                if name == "execute":
                    return lambda *a, **k: (trips.append(commands), attr(*a, **k))[1]
                return lambda *a, **k: (commands.append(name.upper()), attr(*a, **k))[1]

        return Recording()

    def __getattr__(self, name):
        attr = getattr(self.client, name)
        if not callable(attr):
            return attr
        return lambda *a, **k: (self.trips.append([name.upper()]), attr(*a, **k))[1]
