"""Date formats of the console (FORMAT_MODULE_PATH): every instant Django renders carries its zone.

A record's page renders in its location's zone (directory.admin_base.ConsoleModelAdmin.changeform_view); a record
without a location, in UTC, named as such. Same shape as core.localtime.local_label ("Mon 30 Nov 2026 09:00
AEDT"). The API has its own formats (REST_FRAMEWORK in config/settings.py).
"""

DATETIME_FORMAT = "D d M Y H:i T"
SHORT_DATETIME_FORMAT = "D d M Y H:i T"
