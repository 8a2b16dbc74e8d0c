from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory: locations, people and API access"

    def ready(self) -> None:
        from directory.roles import sync_roles_after_migrate

        # Runs once per migrate, after every app's permissions exist (this app is listed after auth).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="directory.sync_roles")
