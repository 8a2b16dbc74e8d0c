"""The console pages of questionnaires (filled in below)."""
