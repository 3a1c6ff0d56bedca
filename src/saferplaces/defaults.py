"""The analytic defaults: one registry read by the assessment, targets and pages.

Each value has a sentence saying what it is and why it was chosen; the
assessment prints every one in its methods appendix (``describe()``), and
``docs/defaults.md`` lists them (a test checks the page against this module).
Change a value here, not in the module that uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["DEFAULTS", "AnalyticDefaults", "Default"]


@dataclass(frozen=True)
class Default:
    """One named default: its attribute name, its title for readers, its value, and why.

    ``shown`` is the value as a reader reads it ("Benjamini-Hochberg false discovery rate
    method", where ``value`` is the setting "fdr").
    """

    name: str
    title: str
    value: object
    sentence: str
    shown: str = ""


@dataclass(frozen=True)
class AnalyticDefaults:
    """The analytic defaults. Read them from ``DEFAULTS``; never write a number twice.

    Attributes
    ----------
    significance_level
        Two-sided level below which a p-value is called statistically significant.
    confidence_level
        Level of every confidence interval shown (``1 - significance_level``).
    multiple_testing
        How p-values are adjusted when one question is asked of many crime types or
        grid squares at once: Benjamini-Hochberg false discovery rate.
    min_xmr_points
        Consecutive points needed before an XmR (statistical process control) chart is drawn.
    spc_run_length
        Points in a row that make a shift or a trend on an XmR chart (6 or 7).
    min_seasonal_years
        Earlier years of the same calendar month needed for a seasonal normal range.
    min_trend_years
        Years of the same months needed before a five-year trend is measured.
    suppression_threshold
        Person-level counts below this (and above 0) are shown as "fewer than N".
    break_ratio
        A crime type's monthly mean changing by this factor or more, over the same months
        a year apart, is flagged as a possible break in the series.
    rolling_months
        Length of the default assessment period, ending with the latest month held.
    """

    significance_level: float = 0.05
    multiple_testing: str = "fdr"
    min_xmr_points: int = 12
    spc_run_length: int = 7
    min_seasonal_years: int = 3
    min_trend_years: int = 5
    suppression_threshold: int = 5
    break_ratio: float = 1.5
    rolling_months: int = 12

    @property
    def confidence_level(self) -> float:
        return round(1.0 - self.significance_level, 10)

    @property
    def confidence_percent(self) -> str:
        """'95%'."""
        return f"{self.confidence_level * 100:g}%"

    @property
    def min_seasonal_months(self) -> int:
        """Months of history before the first month judged against a seasonal range."""
        return 12 * self.min_seasonal_years

    @property
    def multiple_testing_name(self) -> str:
        return MULTIPLE_TESTING_NAMES[self.multiple_testing]

    def describe(self) -> tuple[Default, ...]:
        """Every default with its sentence, in a fixed order, for the methods appendix and docs."""
        sentences = {
            "significance_level": (
                f"A p-value below {self.significance_level:g} is called statistically significant "
                f"(two-sided); every confidence interval is at {self.confidence_percent}. The "
                "conventional level in public health and crime analysis."
            ),
            "multiple_testing": (
                f"When one question is asked of many crime types or grid squares at once, p-values "
                f"are adjusted by the {self.multiple_testing_name}, so that on average no more than "
                f"{self.significance_level:.0%} of the results called significant are false alarms, "
                f"rather than {self.significance_level:.0%} of all the tests."
            ),
            "min_xmr_points": (
                f"An XmR control chart needs {self.min_xmr_points} or more consecutive points (months "
                "or quarters), one year of months: with fewer, its limits are too uncertain to call a "
                "point special-cause variation. The assessment and targets use the same minimum."
            ),
            "spc_run_length": (
                f"On an XmR chart a shift (points on one side of the mean) or a trend (points each "
                f"higher, or each lower, than the one before) needs {self.spc_run_length} points in a "
                "row, as in NHSRplotthedots; Making Data Count's Excel tool allows 6 or 7. The "
                "assessment and targets use the same length."
            ),
            "min_seasonal_years": (
                f"A month is judged against a seasonal normal range only when the same calendar month "
                f"is held for each of the {self.min_seasonal_years} years before "
                f"({self.min_seasonal_months} months of history), as in Farrington's outbreak method."
            ),
            "min_trend_years": (
                f"A long-term trend is measured only over {self.min_trend_years} or more years of the "
                "same months; fewer years cannot separate a trend from one unusual year."
            ),
            "suppression_threshold": (
                f"Counts of 1 to {self.suppression_threshold - 1} drawn from victim- or person-level "
                f"data are shown as 'fewer than {self.suppression_threshold}', so that no person can be "
                "identified."
            ),
            "break_ratio": (
                f"A crime type whose average monthly count changes by a factor of {self.break_ratio:g} "
                "or more between the same calendar months of consecutive years held, in the whole "
                "police force area's series, is flagged as a possible break in the series (a change of "
                "recording until shown otherwise), and its change is not counted as evidence."
            ),
            "rolling_months": (
                f"With no period given, an assessment covers the latest {self.rolling_months} months "
                "held, against the same months a year earlier."
            ),
        }
        return tuple(
            Default(
                f.name,
                TITLES[f.name],
                getattr(self, f.name),
                sentences[f.name],
                self.multiple_testing_name if f.name == "multiple_testing" else str(getattr(self, f.name)),
            )
            for f in fields(self)
        )


TITLES = {
    "significance_level": "Significance level",
    "multiple_testing": "Multiple-testing adjustment",
    "min_xmr_points": "Fewest points for an XmR chart",
    "spc_run_length": "Points in a row for an XmR shift or trend",
    "min_seasonal_years": "Fewest earlier years for a seasonal range",
    "min_trend_years": "Fewest years for a trend",
    "suppression_threshold": "Suppression threshold",
    "break_ratio": "Break-in-series ratio",
    "rolling_months": "Months in the default period",
}

MULTIPLE_TESTING_NAMES = {
    "fdr": "Benjamini-Hochberg false discovery rate method",
    "holm": "Holm method (family-wise error rate)",
    "none": "no adjustment",
}

#: The one registry every module reads.
DEFAULTS = AnalyticDefaults()
