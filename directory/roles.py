"""The console's two roles, as Django groups with least-privilege permissions.

`Operator` runs a location's day: appointments, the walk-in queue, the waitlist and visits, and finding or adding
customers. `Manager` also sets the business up: definitions, hours, staff, targets, questionnaires, API tokens,
and may delete. Superusers keep every right (users, groups, periodic tasks).

The table is the one place to change. `sync_roles` makes each group hold exactly these permissions; it runs in a
migration (so the groups exist on a fresh database) and after every `migrate` (so models added later are covered).
"""

from __future__ import annotations

OPERATOR = "Operator"
MANAGER = "Manager"

ALL = ("view", "add", "change", "delete")

# "app_label.model" -> actions; "app_label.*" covers every model of the app.
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    OPERATOR: {
        "appointments.appointment": ("view", "add", "change"),
        "appointments.appointmentevent": ("view",),
        "directory.profile": ("view", "add", "change"),
        "directory.location": ("view",),
        "appointments.queueentry": ("view", "add", "change"),
        "appointments.queueevent": ("view",),
        "appointments.waitlistentry": ("view", "add", "change"),
        "appointments.waitlistoffer": ("view",),
        "appointments.waitlistevent": ("view",),
        "visits.visit": ("view", "add", "change"),
        "notifications.notification": ("view",),
        "notifications.deliveryattempt": ("view",),
        "questionnaires.submission": ("view",),
        "questionnaires.answer": ("view",),
        "questionnaires.rating": ("view",),
    },
    MANAGER: {
        "appointments.*": ALL,
        "directory.*": ALL,
        "questionnaires.*": ALL,
        "notifications.*": ALL,
        "visits.*": ALL,
    },
}


# What a staff user's session may do through /api/v3: an API scope is granted when the user holds every Django
# permission listed for it (directory/auth.py SessionPrincipalAuthentication asks staff_api_scopes). A read scope follows the
# area's main model; a write scope needs add, change and delete of every model the area writes, because one
# scope covers them all (appointments:write also edits definitions, questionnaires and visits). So an Operator
# reads locations, profiles and appointments through the API and changes nothing there; a Manager may do
# what an `admin` token does. A user limited to some locations (an OperatorAccess row) gets no scope at all:
# the API does not filter by location, so such a user works in the console only.
API_SCOPE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    "locations:read": ("directory.view_location",),
    "locations:write": (
        *(f"directory.{action}_{model}" for model in ("location", "staffassignment") for action in ALL[1:]),
    ),
    "profiles:read": ("directory.view_profile",),
    "profiles:write": (*(f"directory.{action}_profile" for action in ALL[1:]),),
    "appointments:read": ("appointments.view_appointment",),
    "appointments:write": (
        *(
            f"{app}.{action}_{model}"
            for app, model in (
                ("appointments", "appointment"),
                ("appointments", "appointmentdefinition"),
                ("appointments", "waitlistentry"),
                ("appointments", "queueentry"),
                ("visits", "visit"),
                ("questionnaires", "question"),
                ("questionnaires", "questionnaire"),
            )
            for action in ALL[1:]
        ),
    ),
    "tokens:write": (*(f"directory.{action}_apitoken" for action in ALL[1:]),),
    # Targets hold webhook secrets; with every other scope they make `admin`.
    "admin": (*(f"notifications.{action}_target" for action in ALL), "notifications.view_notification"),
}


def staff_api_scopes(user) -> frozenset[str]:
    """The API scopes of a console user's session (see API_SCOPE_PERMISSIONS); kept on the user object."""
    if not (getattr(user, "is_authenticated", False) and user.is_staff and user.is_active):
        return frozenset()
    if user.is_superuser:
        return frozenset({"admin"})
    if not hasattr(user, "_api_scopes"):
        from directory.selectors import location_ids_for  # roles.py also serves migrations: no models at the top

        if location_ids_for(user) is not None:  # limited to some locations: the API cannot filter by location
            user._api_scopes = frozenset()
        else:
            held = {scope for scope, perms in API_SCOPE_PERMISSIONS.items() if user.has_perms(perms)}
            user._api_scopes = frozenset({"admin"} if held == set(API_SCOPE_PERMISSIONS) else held - {"admin"})
    return user._api_scopes


def _codenames(apps, spec: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(app_label, codename) pairs of the permissions a role's table names, for the models that exist."""
    pairs = []
    for key, actions in spec.items():
        app_label, model = key.split(".")
        try:
            models = apps.get_app_config(app_label).get_models()
        except LookupError:  # an app this deployment does not have (yet)
            continue
        for model_class in models:
            name = model_class._meta.model_name
            if model in ("*", name):
                pairs.extend((app_label, f"{action}_{name}") for action in actions)
    return pairs


def sync_roles(apps) -> None:
    """Create the role groups and give each exactly the permissions of ROLE_PERMISSIONS (idempotent)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, spec in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = _codenames(apps, spec)
        by_app: dict[str, set[str]] = {}
        for app_label, codename in wanted:
            by_app.setdefault(app_label, set()).add(codename)
        permissions = [
            permission
            for app_label, codenames in by_app.items()
            for permission in permission_model.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        ]
        group.permissions.set(permissions)


def sync_roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver: permissions of new models exist only after migrate, so re-sync then."""
    from django.apps import apps as global_apps

    if kwargs.get("using", "default") != "default":
        return
    # Sent once per app, in INSTALLED_APPS order: by the last one every permission exists.
    if sender.label != list(global_apps.get_app_configs())[-1].label:
        return
    sync_roles(kwargs.get("apps") or global_apps)
