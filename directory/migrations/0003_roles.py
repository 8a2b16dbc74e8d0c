"""Create the Operator and Manager groups with their permissions (directory/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from directory.roles import sync_roles

    # Permissions are normally created after migrate; create them now so the groups can hold them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps)


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Operator", "Manager"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0002_operator_access"),
        ("appointments", "0004_schedule_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, drop_roles)]
