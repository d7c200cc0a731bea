"""Pure builders of the planner: the one-page summary for the DPRD."""

from layers.planning.summary import scenario_summary_html

__all__ = ["scenario_summary_html"]
