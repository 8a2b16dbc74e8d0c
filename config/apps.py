from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project-wide pieces that need an app: the management commands for the periodic schedule."""

    name = "config"
    verbose_name = "Configuration"
