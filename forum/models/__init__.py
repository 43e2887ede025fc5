"""The relational graph, one module per aggregate; import models from here."""
from forum.models.alerts import AlertState, Notice, NoticeDismissal, SpikeAlert, TagFollower
from forum.models.escalations import Escalation, EscalationStatus
from forum.models.idea_requests import IdeaQuestion, IdeaQuestionKind
from forum.models.ideas import Idea, IdeaComment, IdeaStatus, IdeaStatusChange, IdeaVote
from forum.models.listening import (Match, MatchKind, MatchState, Watch, WatchFollower, WatchTerm, watch_categories,
                                    watch_tags)
from forum.models.moderation import AuditEntry, Flag, FlagReason, FlagStatus
from forum.models.notifications import (Delivery, Notification, NotificationPreference, OutboxMail, OutboxStatus,
                                        Subscription)
from forum.models.pagecache import PageVersion
from forum.models.rollups import (DashboardAnswererDay, DashboardAnswererWindow, DashboardDay, DashboardDirtyDay,
                                  DashboardIdeaDay)
from forum.models.search import SearchDocument, SearchQueueEntry, SearchSynonym
from forum.models.site import SiteSettings
from forum.models.threads import (Category, CategorySlugRedirect, Post, PostRevision, Tag, Thread, ThreadStatus,
                                  thread_tags)
from forum.models.users import ApiToken, Role, User, UserSession
from forum.models.votes import ReputationEvent, Vote

__all__ = [
                                    "AlertState",
                                    "ApiToken",
                                    "AuditEntry",
                                    "Category",
                                    "CategorySlugRedirect",
                                    "DashboardAnswererDay",
                                    "DashboardAnswererWindow",
                                    "DashboardDay",
                                    "DashboardDirtyDay",
                                    "DashboardIdeaDay",
                                    "Delivery",
                                    "Escalation",
                                    "EscalationStatus",
                                    "Flag",
                                    "FlagReason",
                                    "FlagStatus",
                                    "Idea",
                                    "IdeaComment",
                                    "IdeaQuestion",
                                    "IdeaQuestionKind",
                                    "IdeaStatus",
                                    "IdeaStatusChange",
                                    "IdeaVote",
                                    "Match",
                                    "MatchKind",
                                    "MatchState",
                                    "Notice",
                                    "NoticeDismissal",
                                    "Notification",
                                    "NotificationPreference",
                                    "OutboxMail",
                                    "OutboxStatus",
                                    "PageVersion",
                                    "Post",
                                    "PostRevision",
                                    "ReputationEvent",
                                    "Role",
                                    "SearchDocument",
                                    "SearchQueueEntry",
                                    "SearchSynonym",
                                    "SiteSettings",
                                    "SpikeAlert",
                                    "Subscription",
                                    "Tag",
                                    "TagFollower",
                                    "Thread",
                                    "ThreadStatus",
                                    "User",
                                    "UserSession",
                                    "Vote",
                                    "Watch",
                                    "WatchFollower",
                                    "WatchTerm",
                                    "thread_tags",
                                    "watch_categories",
                                    "watch_tags",
]
