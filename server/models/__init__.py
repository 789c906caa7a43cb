"""Database models (SQLAlchemy 2 style). Times are Unix epoch milliseconds."""
from server.models.admin_login import AdminLogin
from server.models.knock import RoomKnock
from server.models.reaction import RoomReaction
from server.models.room import ChatMessage, QueueEntry, Room, RoomAudit, RoomMembership
from server.models.user import RemotePairing, StatsSnapshot, User

__all__ = ["AdminLogin", "ChatMessage", "QueueEntry", "RemotePairing", "Room", "RoomAudit", "RoomKnock",
           "RoomMembership", "RoomReaction", "StatsSnapshot", "User"]
