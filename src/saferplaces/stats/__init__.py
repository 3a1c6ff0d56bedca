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
    FunnelPoint,
    FunnelSignificance,
    funnel_limits,
    funnel_points,
    funnel_significance,
    funnel_significance_dsr,
    overdispersion_tau2,
)
from saferplaces.stats.general_g import GeneralGResult, general_g
from saferplaces.stats.grid import GridCounts, default_cell_size, grid_counts
from saferplaces.stats.harm import HarmResult, harm
from saferplaces.stats.hotspots import GiStarResult, HotspotClassification, hotspot_classify, hotspot_gistar
from saferplaces.stats.kde import KdeResult, hotspot_kde, quartic_kernel
from saferplaces.stats.labels import (
    Assurance,
    ChangeLabel,
    ComparisonLabel,
    FunnelLabel,
    HotspotLabel,
    HotspotPattern,
    Judgement,
    PointType,
    RepresentationLabel,
    SeasonalLabel,
    SpcRule,
    StatusLabel,
    TrendLabel,
    rule_words,
)
from saferplaces.stats.multiple_testing import MultipleTestResult, adjust_p, multiple_tests
from saferplaces.stats.peers import RECOMMENDED_FEATURES, peer_group
from saferplaces.stats.proportions import (
    DifferenceResult,
    ProportionResult,
    proportion,
    proportion_difference,
    wilson_interval,
)
from saferplaces.stats.rates import RateResult, byar_interval, exact_poisson_interval, rate
from saferplaces.stats.repeats import KnoxResult, RepeatResult, knox_test, repeats
from saferplaces.stats.representation import RepresentationResult, representation
from saferplaces.stats.seasonal import SeasonalRangeResult, seasonal_range
from saferplaces.stats.spc import RunChartResult, SpcBaseline, XmRResult, spc_run, spc_xmr
from saferplaces.stats.standardised import (
    DsrRatioResult,
    DsrResult,
    IsrResult,
    dsr,
    dsr_ratio,
    esp2013,
    isr,
    pooled_reference,
)
from saferplaces.stats.trend import TrendResult, trend
from saferplaces.stats.weights import as_weights, distance_band_neighbours, grid_neighbours

__all__ = [
    "GeneralGResult",
    "MultipleTestResult",
    "as_weights",
    "general_g",
    "multiple_tests",
    "Assurance",
    "ChangeLabel",
    "ComparisonLabel",
    "DsrRatioResult",
    "DsrResult",
    "FunnelLabel",
    "FunnelPoint",
    "HotspotLabel",
    "HotspotPattern",
    "IsrResult",
    "Judgement",
    "RepresentationLabel",
    "SeasonalLabel",
    "PointType",
    "RunChartResult",
    "SpcBaseline",
    "SpcRule",
    "StatusLabel",
    "TrendLabel",
    "dsr",
    "dsr_ratio",
    "esp2013",
    "funnel_points",
    "funnel_significance_dsr",
    "isr",
    "pooled_reference",
    "rule_words",
    "spc_run",
    "RECOMMENDED_FEATURES",
    "ChangeResult",
    "Comparison",
    "ConcentrationResult",
    "DifferenceResult",
    "FunnelLimits",
    "FunnelSignificance",
    "GiStarResult",
    "GridCounts",
    "HarmResult",
    "HotspotClassification",
    "KdeResult",
    "KnoxResult",
    "ProportionResult",
    "RateResult",
    "RepeatResult",
    "RepresentationResult",
    "SeasonalRangeResult",
    "TrendResult",
    "XmRResult",
    "adjust_p",
    "byar_interval",
    "change",
    "compare",
    "concentration",
    "default_cell_size",
    "distance_band_neighbours",
    "exact_poisson_interval",
    "funnel_limits",
    "funnel_significance",
    "grid_counts",
    "grid_neighbours",
    "harm",
    "hotspot_classify",
    "hotspot_gistar",
    "hotspot_kde",
    "knox_test",
    "overdispersion_tau2",
    "peer_group",
    "proportion",
    "proportion_difference",
    "quartic_kernel",
    "rate",
    "repeats",
    "representation",
    "seasonal_range",
    "share_of_places_for",
    "spc_xmr",
    "trend",
    "wilson_interval",
]
