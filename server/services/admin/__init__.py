"""What the admin dashboard reads and does.

    auth.py      dashboard sign-in: cookies, one-time links, sessions
    sessions.py  the `/admin` namespace's connected admins (AdminConn) and dropping them
    queries.py   read-only views: rooms, users, audit trail
    actions.py   close a room, kick, ban/unban, grant/revoke admin (each audited)
    stats.py     live numbers and their history
"""
