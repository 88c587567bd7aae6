"""Every records module, imported so that ``Base.metadata`` is complete for Alembic."""

from infra.orm import Base
from knowledge import records as knowledge_records
from routing import match_records
from routing import records as routing_records

__all__ = ["Base", "knowledge_records", "match_records", "routing_records"]
