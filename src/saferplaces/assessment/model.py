"""The StrategicAssessment object: every number a report shows, with where it came from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from saferplaces.defaults import Default


@dataclass(frozen=True)
class AreaInfo:
    code: str
    name: str
    level: str
    population: int
    population_year: int
    parent_code: str | None = None
    parent_name: str | None = None
    #: the police force area the rates and changes are compared with (None for a force)
    force_name: str | None = None
    #: the population estimate in words: "mid-2023, downloaded from ONS (Nomis) on 3 December 2026"
    population_estimate: str = ""

    @property
    def estimate(self) -> str:
        """The population estimate in words ("mid-2021" when none was recorded)."""
        return self.population_estimate or f"mid-{self.population_year}"


@dataclass(frozen=True)
class PeriodInfo:
    """The window the assessment covers, in words.

    ``label`` is the window of every count and rate: the period's own label when every month
    is held ("calendar year 2025", "12 months to December 2025"), otherwise "4 of 12 months
    (January to April 2024)". ``requested`` is the period asked for. A change covers
    ``change_months`` against ``change_base`` (``comparison_label`` joins the two).
    """

    start: str
    end: str
    label: str
    months_held: tuple[str, ...]
    comparison_months: tuple[str, ...]
    comparison_label: str | None
    requested: str = ""
    partial: bool = False
    change_months: str | None = None
    change_base: str | None = None


@dataclass(frozen=True)
class Estimate:
    """A count and its rate per 1,000 residents, with a 95% confidence interval."""

    count: int
    rate: float
    lower: float
    upper: float
    method: str


@dataclass(frozen=True)
class Change:
    """A count against the same months a year earlier, with its significance.

    ``p`` is the quasi-Poisson test on the monthly counts (``saferplaces.stats.monthly_change``);
    ``z`` is Wheeler's Poisson z of the totals, an effect size; ``label`` is decided by the test.
    """

    current: int
    previous: int
    percent: float | None
    p: float
    z: float
    label: str
    dispersion: float | None = None
    method: str = ""
    months: str | None = None


@dataclass(frozen=True)
class Headline:
    crime: Estimate
    asb: Estimate
    crime_change: Change | None
    asb_change: Change | None


@dataclass(frozen=True)
class CrimeTypeRow:
    crime_type: str
    count: int
    rate: float
    lower: float
    upper: float
    comparable_count: int | None
    previous_count: int | None
    change: str | None
    change_percent: float | None
    change_p: float | None
    force_rate: float | None
    versus_force: str | None
    rank: int | None
    rank_of: int | None
    harm: float | None
    trend: str | None = None
    trend_annual_change: float | None = None
    trend_years: int | None = None
    #: p-value adjusted across the crime types (``DEFAULTS.multiple_testing``); ``change`` is decided on it
    change_p_adjusted: float | None = None
    #: the test's own label; ``change`` is None (not counted as evidence) when the series has a break
    change_test: str | None = None
    #: why the change is not counted: a possible break in the force's series, in words
    series_break: str | None = None
    #: the rest of the force's change over the same months, and whether this area's differs from it
    force_change_percent: float | None = None
    versus_force_change: str | None = None
    versus_force_change_ratio: float | None = None
    versus_force_change_p_adjusted: float | None = None
    #: the months the change compares, for every sentence that names it (priority reasons too)
    change_window: str | None = None


@dataclass(frozen=True)
class WardRow:
    ward_code: str
    ward_name: str
    population: int
    count: int
    rate: float
    lower: float
    upper: float
    funnel: str
    top_crime_type: str | None


@dataclass(frozen=True)
class MonthRow:
    month: str
    count: int
    asb: int
    mean: float | None
    lower_limit: float | None
    upper_limit: float | None
    signal: str | None
    expected: float | None = None
    expected_lower: float | None = None
    expected_upper: float | None = None
    seasonal: str | None = None
    rules: tuple[str, ...] = ()  # SpcRule codes that flagged this month (empty: common cause)
    median: float | None = None  # the run chart's centre line, when a run chart is used
    chart: str = ""  # "xmr", "run" (too few months for XmR limits) or "" (no chart)


@dataclass(frozen=True)
class ConcentrationInfo:
    places: int
    share_of_places_for_50pct: float
    share_of_places_for_25pct: float
    gini: float


@dataclass(frozen=True)
class HarmInfo:
    total: float
    per_1000: float | None
    top_category: str | None
    top_share: float | None


@dataclass(frozen=True)
class Finding:
    """One plain-English finding, the table it comes from, and the numbers behind it."""

    section: str
    text: str
    table: str
    numbers: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PriorityScore:
    theme: str
    score: float
    rank: int
    components: dict[str, float]
    reasons: tuple[str, ...]
    # issue 9 section 3 (priorities): the sentence per component, what kind of theme, its
    # caveats, whether it is recommended for discussion, and how its rank moves when each
    # weight moves by +/- 20% (saferplaces.assessment.priorities)
    sentences: dict[str, str] = field(default_factory=dict)
    kind: str = "crime-type"
    caveats: tuple[str, ...] = ()
    recommended: bool = False
    rank_best: int | None = None
    rank_worst: int | None = None
    robust: bool | None = None
    # the data-quality check's words when the type's series may have a break: its change is
    # then left out of the score (no "change" in ``components``) and the tables say so
    series_break: str | None = None


@dataclass(frozen=True)
class MethodNote:
    name: str
    page: str
    reference: str


@dataclass(frozen=True)
class StrategicAssessment:
    """A strategic assessment for one area and period, built from the store."""

    area: AreaInfo
    period: PeriodInfo
    headline: Headline
    crime_types: tuple[CrimeTypeRow, ...]
    wards: tuple[WardRow, ...]
    months: tuple[MonthRow, ...]
    concentration: ConcentrationInfo | None
    harm: HarmInfo | None
    findings: tuple[Finding, ...]
    priorities: tuple[PriorityScore, ...]
    priority_weights: dict[str, float]
    assumptions: tuple[str, ...]
    data_quality: dict[str, Any]
    methods: tuple[MethodNote, ...]
    districts: tuple[dict[str, Any], ...] = ()
    attribution: str = ""
    people: Any = None  # a saferplaces.assessment.people.PeopleSection when an extract is given
    national: Any = None  # a saferplaces.assessment.national.NationalComparison for a CSP or district
    hotspots: Any = None  # a saferplaces.assessment.hotspots.HotspotInfo
    ward_profiles: Any = None  # issue 9 s4: a saferplaces.assessment.places.WardProfiles
    snapshot_id: int | None = None  # the store snapshot it was read from (Store.snapshot)
    #: the analytic defaults used (``saferplaces.defaults``), each with its sentence, for the appendix
    defaults: tuple[Default, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Everything, as plain JSON-ready data."""
        data = asdict(self)
        data["area"]["population_year"] = self.area.population_year
        return data
