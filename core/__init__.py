"""The shared base every app builds on: errors, local time, reads, caches, records and the API's conventions.

It imports no app (an import-linter contract holds it); `config` at the top only wires the project together.
"""
