"""Socket.IO handlers, one module per event group; each is validate → service → emit.

Importing this package declares every handler (the decorators register them with the bare
`socketio` object); create_app imports it before `socketio.init_app`, which then binds them to
every server it creates (one per app, e.g. per test).
"""
from server.events import admin, chat, connection, history, knocks, members, playback, playlists, queue, rooms, votes

MODULES = (admin, chat, connection, history, knocks, members, playback, playlists, queue, rooms, votes)
