"""Choices of the directory app."""

from django.db import models

from core.principal import ADMIN_SCOPE, PrincipalKind


class DayOfWeek(models.TextChoices):
    MON = "MON", "Monday"
    TUE = "TUE", "Tuesday"
    WED = "WED", "Wednesday"
    THU = "THU", "Thursday"
    FRI = "FRI", "Friday"
    SAT = "SAT", "Saturday"
    SUN = "SUN", "Sunday"

    @property
    def index(self) -> int:
        """0 for Monday .. 6 for Sunday, as date.weekday() counts."""
        return list(DayOfWeek).index(self)


class AssignmentType(models.TextChoices):
    STAFF = "staff", "Staff"
    MANAGER = "manager", "Manager"
    PROFILE = "profile", "Profile"


class RoleType(models.TextChoices):
    FULL_TIME = "full_time", "Full time"
    PART_TIME = "part_time", "Part time"
    CASUAL = "casual", "Casual"
    OTHER = "other", "Other"


class TokenKind(models.TextChoices):
    INTEGRATION = PrincipalKind.INTEGRATION.value, "Integration"
    CUSTOMER = PrincipalKind.CUSTOMER.value, "Customer"


class Scope(models.TextChoices):
    """What an integration token may do. `<area>:write` implies `<area>:read`; `admin` implies everything."""

    ADMIN = ADMIN_SCOPE, "Everything"
    LOCATIONS_READ = "locations:read", "Read locations and staff assignments"
    LOCATIONS_WRITE = "locations:write", "Change locations and staff assignments"
    PROFILES_READ = "profiles:read", "Read profiles and staff hours"
    PROFILES_WRITE = "profiles:write", "Change profiles and staff hours"
    APPOINTMENTS_READ = "appointments:read", "Read definitions, availability and appointments"
    APPOINTMENTS_WRITE = "appointments:write", "Book and change appointments and definitions"
    TOKENS_WRITE = "tokens:write", "Issue and revoke customer tokens"


class FeedNames(models.TextChoices):
    """How a location's appointments name the customer in staff calendar feeds (docs/customer-links.md)."""

    FIRST_INITIAL = "first_initial", "First name and initial (Ada L.)"
    FULL = "full", "Full name"
    NONE = "none", "No names"
