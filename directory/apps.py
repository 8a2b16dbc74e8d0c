from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory: locations, people and API access"

    def ready(self) -> None:
        from directory.roles import sync_roles_after_migrate

        # Runs once per migrate, after every app's permissions exist (this app is listed after auth).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="directory.sync_roles")
        from directory.console_display import RecordKind, register_record

        register_record(RecordKind("profile", "admin:directory_profile_change", _describe_profile, "Profile"))


def _describe_profile(profile_id: str) -> str | None:
    from django.core.exceptions import ValidationError

    from directory.models import Profile

    try:
        profile = Profile.objects.filter(pk=profile_id).first()
    except ValidationError:  # not a UUID
        return None
    return None if profile is None else str(profile)
