"""Paragraphs that open report sections: what the priorities are for, and what the data cannot show.

Each sentence is written from the assessment and is true for it; HTML, PDF and DOCX share them.
"""

from __future__ import annotations

from saferplaces.assessment.model import StrategicAssessment
from saferplaces.assessment.places import CENTRE_RULE
from saferplaces.wording import in_window, the_window
from saferplaces.wording import listed as _listed


def opening(a: StrategicAssessment) -> str:
    """The report's first paragraph: the area, its residents, and the months every figure covers."""
    text = (
        f"{a.area.name} ({a.area.code}) has {a.area.population:,} residents (ONS population estimate "
        f"for {a.area.estimate}). This assessment covers police-recorded crime and anti-social "
        "behaviour published on data.police.uk "
    )
    if a.period.partial:
        text += (
            f"for {a.period.label}: the store holds only these months of {the_window(a.period.requested)}, "
            "and every figure is for them alone."
        )
    else:
        text += f"for {the_window(a.period.label)}."
    if a.period.comparison_label:
        text += f" Changes compare {a.period.comparison_label}, the months held in both years."
    return text


def priorities_intro(a: StrategicAssessment) -> list[str]:
    """The opening of the candidate-priorities section."""
    if not a.priorities:
        return []
    out = [
        "These scores are a prompt for the board's discussion, not a decision. They rank the police.uk "
        "crime types on the evidence in this assessment, with weights the partnership can change "
        "(a copy of priority_weights.toml, given with --weights); what the data cannot show is listed "
        "under 'What this assessment cannot see'."
    ]
    chosen = [p for p in a.priorities if p.recommended]
    if chosen:
        robust = [p.theme.lower() for p in chosen if p.robust]
        fragile = [p.theme.lower() for p in chosen if not p.robust]
        text = (
            f"Recommended for discussion: {_listed([p.theme.lower() for p in chosen])} (the {len(chosen)} "
            "highest-scoring themes that are not catch-all categories)."
        )
        if robust and fragile:
            text += (
                f" {_listed(robust).capitalize()} stay{'s' if len(robust) == 1 else ''} recommended "
                f"whichever weight moves by 20% either way; {_listed(fragile)} "
                f"depend{'s' if len(fragile) == 1 else ''} on the weights chosen."
            )
        elif robust:
            text += " Each stays recommended whichever weight moves by 20% either way."
        else:
            text += " Each of them depends on the weights chosen: moving one weight by 20% changes the list."
        out.append(text)
    last_recommended = max((p.rank for p in chosen), default=0)
    high = [p for p in a.priorities if p.kind == "catch-all" and p.rank <= last_recommended]
    if high:
        listed = _listed([f"{p.theme.lower()} (rank {p.rank})" for p in high])
        out.append(
            f"{listed[:1].upper() + listed[1:]} scored high but "
            f"{'are catch-all categories' if len(high) > 1 else 'is a catch-all category'} of unrelated "
            "offences, so not recommended on "
            f"{'their' if len(high) > 1 else 'its'} own: ask the police which offences are inside first."
        )
    return out


def cannot_see(a: StrategicAssessment) -> list[str]:
    """What police.uk data cannot show, and how to bring it in (the 'cannot see' box)."""
    held = a.people is not None
    extract = (
        f"The partner extract '{a.people.extract}' adds domestic-related and repeat-victim "
        "figures (see People)."
        if held
        else "Load a partner extract (saferplaces extract ingest, then saferplaces assess "
        "--extract) to add them."
    )
    return [
        "Domestic abuse: police.uk does not flag domestic-related crimes, so domestic abuse is hidden "
        "inside violence, criminal damage and other types. " + extract,
        "Repeat victims and repeat locations: police.uk has no victim identifiers. "
        + (
            "The partner extract gives them."
            if held
            else "A partner extract with victim identifiers gives them."
        ),
        "Fraud and cyber crime: they are recorded by Action Fraud and the National Fraud Intelligence "
        "Bureau, not in police.uk street-level data; ask the force or the Police and Crime "
        "Commissioner's office for the area's figures.",
        "Exploitation and hidden harms (county lines, modern slavery, child sexual exploitation, "
        "hate crime): they are seldom reported and are not separate police.uk types; partner "
        "intelligence, safeguarding referrals and a partner extract with flags are the routes in.",
        "Crime not reported to the police: the Crime Survey for England and Wales and local resident "
        "surveys show how much goes unreported.",
    ]


def places_at_risk(a: StrategicAssessment, most: int = 5) -> tuple[str, list[str]]:
    """'Places at greatest risk', as the Stafford seed lists them: a heading and one line a ward."""
    from saferplaces.assessment.places import describe_profile

    wp = a.ward_profiles
    if not wp or not wp.at_risk:
        return "", []
    title = (
        f"Places at greatest risk {in_window(a.period.label)}, with their reasons (each crime type's ward "
        "rate against the district's rate on a funnel plot; see the ward profiles table):"
    )
    return title, [describe_profile(p) for p in wp.at_risk[:most]]


def places_intro(a: StrategicAssessment) -> list[str]:
    """The opening of the places section: town centre wards, or that no ward stands out."""
    wp = a.ward_profiles
    if not wp:
        return []
    out = []
    if not wp.at_risk:
        out.append(
            f"No ward's rate was significantly above the district's rate for any crime type in the "
            f"{a.period.label}."
        )
    centres = [p.ward_name for p in wp.profiles if p.centre]
    if centres:
        many = len(centres) > 1
        what = "town or city centre wards" if many else "a town or city centre ward"
        out.append(
            f"{_listed(centres)} {'are' if many else 'is'} flagged as {what} (rule: {CENTRE_RULE}). "
            "Most people there are shoppers, workers and visitors, not residents, so a rate per "
            "resident overstates the risk to the people who live there; the 'if this ward were 100 "
            f"people' picture leaves {'them' if many else 'it'} out."
        )
    return out
