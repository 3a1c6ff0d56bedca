"""Pure statistics for community safety analysis (numpy, scipy, statsmodels only).

Every function validates its arguments (raising
:class:`saferplaces.errors.InputError`) and returns a frozen dataclass. Where
the code chooses a default, the result says so in ``assumptions``. Each method
has a page in ``docs/methods/``.
"""

from saferplaces.stats.change import ChangeResult, change
from saferplaces.stats.compare import Comparison, compare
from saferplaces.stats.concentration import (
    ConcentrationResult,
    concentration,
    share_of_places_for,
)
from saferplaces.stats.funnel import (
    FunnelLimits,
    FunnelSignificance,
    funnel_limits,
    funnel_significance,
    overdispersion_tau2,
)
from saferplaces.stats.grid import GridCounts, default_cell_size, grid_counts
from saferplaces.stats.harm import HarmResult, harm
from saferplaces.stats.hotspots import (
    GiStarResult,
    HotspotClassification,
    adjust_p,
    distance_band_neighbours,
    grid_neighbours,
    hotspot_classify,
    hotspot_gistar,
)
from saferplaces.stats.kde import KdeResult, hotspot_kde, quartic_kernel
from saferplaces.stats.peers import RECOMMENDED_FEATURES, peer_group
from saferplaces.stats.proportions import ProportionResult, proportion, wilson_interval
from saferplaces.stats.rates import RateResult, byar_interval, exact_poisson_interval, rate
from saferplaces.stats.repeats import KnoxResult, RepeatResult, knox_test, repeats
from saferplaces.stats.representation import RepresentationResult, representation
from saferplaces.stats.seasonal import SeasonalRangeResult, seasonal_range
from saferplaces.stats.spc import XmRResult, spc_xmr
from saferplaces.stats.trend import TrendResult, trend

__all__ = [
    "GridCounts",
    "default_cell_size",
    "grid_counts",
    "RECOMMENDED_FEATURES",
    "ConcentrationResult",
    "HarmResult",
    "KnoxResult",
    "RepeatResult",
    "RepresentationResult",
    "concentration",
    "harm",
    "knox_test",
    "peer_group",
    "repeats",
    "representation",
    "share_of_places_for",
    "GiStarResult",
    "HotspotClassification",
    "KdeResult",
    "adjust_p",
    "distance_band_neighbours",
    "grid_neighbours",
    "hotspot_classify",
    "hotspot_gistar",
    "hotspot_kde",
    "quartic_kernel",
    "SeasonalRangeResult",
    "seasonal_range",
    "ChangeResult",
    "TrendResult",
    "XmRResult",
    "change",
    "spc_xmr",
    "trend",
    "Comparison",
    "FunnelLimits",
    "FunnelSignificance",
    "ProportionResult",
    "RateResult",
    "byar_interval",
    "compare",
    "exact_poisson_interval",
    "funnel_limits",
    "funnel_significance",
    "overdispersion_tau2",
    "proportion",
    "rate",
    "wilson_interval",
]
