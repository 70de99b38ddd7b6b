"""Customer segmentation: k-means, Ward or a self-organising map, profiled and named.

* :mod:`revlearn.usecases.segments.model` — :class:`CustomerSegments`, the use case behind
  ``revlearn fit segments`` (a customer table, or transactions summarised into RFM
  features first).
* :mod:`revlearn.usecases.segments.naming` — readable names from the traits.
* :mod:`revlearn.usecases.segments.results` — the metrics and profiles it reports.
"""

from __future__ import annotations

from revlearn.usecases.segments.model import CustomerSegments
from revlearn.usecases.segments.naming import segment_name
from revlearn.usecases.segments.results import SegmentMetrics, SegmentProfiles

__all__ = ["CustomerSegments", "SegmentMetrics", "SegmentProfiles", "segment_name"]
