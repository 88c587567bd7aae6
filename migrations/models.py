"""Every records module, imported so that ``Base.metadata`` is complete for Alembic."""

from infra.orm import Base
from knowledge import records as knowledge_records
from knowledge.city import records as city_records
from routing.cases import canned as canned_records
from routing.cases import records as case_records
from routing.followups import records as followup_records
from routing.journey import records as routing_records
from routing.matching import records as match_records
from routing.sprints import records as sprint_records
from routing.staff import records as staff_records
from routing.stats import records as stats_records

__all__ = [
    "Base",
    "canned_records",
    "case_records",
    "city_records",
    "followup_records",
    "knowledge_records",
    "match_records",
    "routing_records",
    "sprint_records",
    "staff_records",
    "stats_records",
]
