"""Every records module, imported so that ``Base.metadata`` is complete for Alembic."""

from infra.orm import Base
from knowledge import records as knowledge_records
from routing import case_records, followup_records, match_records, sprint_records, stats_records
from routing import records as routing_records
from routing import staff as staff_records

__all__ = [
    "Base",
    "case_records",
    "followup_records",
    "knowledge_records",
    "match_records",
    "routing_records",
    "sprint_records",
    "staff_records",
    "stats_records",
]
