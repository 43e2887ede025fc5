"""The relational graph, one module per aggregate; import models from here."""
from forum.models.notifications import Notification, Subscription
from forum.models.threads import Category, Post, PostRevision, Tag, Thread, ThreadStatus, thread_tags
from forum.models.users import ApiToken, Role, User
from forum.models.votes import ReputationEvent, Vote

__all__ = [
    "ApiToken", "Category", "Notification", "Post", "PostRevision", "ReputationEvent", "Role",
    "Subscription", "Tag", "Thread", "ThreadStatus", "User", "Vote", "thread_tags",
]
