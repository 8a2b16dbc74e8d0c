from directory.models.access import OperatorAccess
from directory.models.audit import AuditRecord
from directory.models.base import NormalHoursBase, SpecialHoursBase, TimestampedModel
from directory.models.location import Location, LocationNormalHour, LocationSpecialHour, StaffAssignment
from directory.models.profile import Profile, ProfileNormalHour, ProfileSpecialHour
from directory.models.token import ApiToken

__all__ = [
    "ApiToken",
    "AuditRecord",
    "Location",
    "LocationNormalHour",
    "LocationSpecialHour",
    "NormalHoursBase",
    "OperatorAccess",
    "Profile",
    "ProfileNormalHour",
    "ProfileSpecialHour",
    "SpecialHoursBase",
    "StaffAssignment",
    "TimestampedModel",
]
