"""Every table of the service tier: importing this module registers them all on `metadata`.

Alembic's environment (api/migrations/env.py) compares this metadata with the database, so a
package whose models are not imported here would look like a dropped table to `alembic check`."""

from __future__ import annotations

import api.conversations.models
import api.handoff.models
import api.jobs.models
import api.knowledge.models
import api.privacy.models
import api.status.models
import api.talent.models
import api.users.models  # noqa: F401  (each import registers its tables)
from api.orm import Base

metadata = Base.metadata
