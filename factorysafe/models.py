"""Every model of the application, imported in one place for Alembic and the shell."""
from factorysafe.actions.models import ActionComment, ActionStatus, CorrectiveAction, DeadlineExtension, ExtensionStatus, OutboxMessage
from factorysafe.audit import AuditEvent
from factorysafe.auth.models import Role, User
from factorysafe.complaints.models import Complaint, ComplaintMessage, complaint_findings
from factorysafe.complaints.rules import ComplaintStatus
from factorysafe.factories.models import Escalation, Evacuation, Factory, factory_owners
from factorysafe.inspections.models import (
    Discipline,
    Finding,
    FindingOrigin,
    Inspection,
    InspectionState,
    InspectionType,
    Photo,
    Severity,
    inspection_engineers,
)

__all__ = [
    "ActionComment", "ActionStatus", "AuditEvent", "Complaint", "ComplaintMessage", "ComplaintStatus", "CorrectiveAction",
    "DeadlineExtension", "Discipline", "Escalation", "Evacuation", "ExtensionStatus", "Factory", "Finding",
    "FindingOrigin", "Inspection", "InspectionState", "InspectionType", "OutboxMessage", "Photo", "Role",
    "Severity", "User", "complaint_findings", "factory_owners", "inspection_engineers",
]

from factorysafe.subscriptions.models import Subscription  # noqa: E402 - kept apart: merges stay line-local

__all__ += ["Subscription"]

from factorysafe.idempotency import IdempotencyKey  # noqa: E402

__all__ += ["IdempotencyKey"]

from factorysafe.followups.models import CheckOutcome, FollowUpAssignment, FollowUpCheck  # noqa: E402

__all__ += ["CheckOutcome", "FollowUpAssignment", "FollowUpCheck"]
