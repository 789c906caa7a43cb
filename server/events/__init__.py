"""Socket.IO handlers, one module per event group; each is validate → domain → persist → emit."""


def register_all() -> None:
    from server.events import admin, chat, connection, knocks, members, playback, queue, rooms  # noqa: F401
