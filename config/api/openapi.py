"""Error responses for `extend_schema(responses={..., **ERRORS})` on the newer endpoints.

Empty on purpose: config.api.schema.OmneoAutoSchema adds every error response an operation can give, with the one
`Error` component, from how the request is handled. Listing them here as well gave a second envelope component and
404s on paths without an id.
"""

from __future__ import annotations

ERRORS: dict = {}
