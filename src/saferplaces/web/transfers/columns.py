"""One column of an import or export: how a record's field becomes a cell, and a cell a value.

Every column reads text (see :mod:`saferplaces.web.tables`) and raises
:class:`CellError` with a sentence for people when the text will not do.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django.db import models

from saferplaces.errors import example
from saferplaces.web.tables import cell_text
from saferplaces.web.validation import LONG_TEXT

#: Largest magnitude a DecimalField(max_digits=14, decimal_places=3) holds, plus one.
NUMBER_LIMIT = Decimal(10) ** 11
NUMBER_PLACES = 3

_ISO_DATE = re.compile(
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?$"
)
#: A number of days (maybe with a time of day) as Excel stores a date in a cell not formatted
#: as one; counting from 30 December 1899 gives Excel's date from 1 March 1900 on.
_EXCEL_SERIAL = re.compile(r"^([0-9]{5})(\.[0-9]+)?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_UK_DATE = re.compile(r"^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})$")
_NUMBER = re.compile(r"^[-+]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]+)?$|^[-+]?\.[0-9]+$")


class CellError(ValueError):
    """A cell's text is not a value the column takes; the message says what to enter."""


def normal_name(text: str) -> str:
    """A name for matching: spaces collapsed, case ignored."""
    return " ".join(text.split()).casefold()


def or_list(items: list[str]) -> str:
    """'A, B or C'."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} or {items[-1]}"


def show(value: Any) -> str:
    """A value as the check page shows it: dates in words, numbers without trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return cell_text(value)


class Column:
    """A column holding one field of a record as text.

    Parameters
    ----------
    header
        The column's name in row 1, as people read it.
    field
        The model attribute the column holds.
    width
        The column's width in an XLSX export, in characters.
    required
        True when a row must have a value in this column.
    max_length
        The longest text the field holds, checked on import (the long-text limit of
        web.validation when not given, as the models' text fields).
    """

    def __init__(
        self,
        header: str,
        field: str,
        *,
        width: int = 20,
        required: bool = False,
        max_length: int = LONG_TEXT,
    ) -> None:
        self.header = header
        self.field = field
        self.width = width
        self.required = required
        self.max_length = max_length

    def export(self, obj: models.Model) -> Any:
        """The record's value as the export writes it (None for a blank cell)."""
        value = getattr(obj, self.field)
        return None if value in ("", None) else value

    def current(self, obj: models.Model) -> Any:
        """The record's value, in the form :meth:`parse` returns."""
        return cell_text(getattr(obj, self.field))

    def parse(self, text: str) -> Any:
        """The value of a cell's text; raises :class:`CellError` when it is not allowed."""
        if not text:
            if self.required:
                raise CellError(f"Enter the {self.header.lower()}; this column cannot be blank.")
            return ""
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(
                f"The text is {len(text):,} characters long. "
                f"Shorten it to {self.max_length:,} characters or fewer."
            )
        return text

    def same(self, before: Any, after: Any) -> bool:
        """True when an import would leave the field as it is."""
        return before == after

    def display(self, value: Any) -> str:
        """A value as the check page shows it ("" for blank)."""
        return show(value)

    def assign(self, obj: models.Model, value: Any) -> None:
        """Put a parsed value on the record (not saved)."""
        setattr(obj, self.field, value)

    def after_save(self, obj: models.Model, value: Any, save: Any) -> None:
        """Save records that hang off ``obj`` once it is saved (nothing for most columns)."""


class DateColumn(Column):
    """A date: a real date in XLSX, ISO text in CSV; 31/12/2024 and 2024-12-31 both read."""

    def current(self, obj: models.Model) -> Any:
        return getattr(obj, self.field)

    def parse(self, text: str) -> dt.date | None:
        if not text:
            if self.required:
                raise CellError(f"Enter the {self.header.lower()}, such as 31/12/2024.")
            return None
        iso, uk = _ISO_DATE.match(text), _UK_DATE.match(text)
        try:
            if iso:
                return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
            if uk:
                return dt.date(int(uk[3]), int(uk[2]), int(uk[1]))
        except ValueError:
            pass
        serial = _EXCEL_SERIAL.match(text)
        if serial:  # five digits: 1927 to 2173
            as_date = _EXCEL_EPOCH + dt.timedelta(days=int(serial[1]))
            raise CellError(
                f"'{example(text)}' is a number, not a date (Excel keeps dates as day numbers, and "
                f"this one would be {as_date:%d/%m/%Y}). Format the column as dates in Excel, or "
                "write the date as 31/12/2024 or 2024-12-31."
            )
        raise CellError(f"'{example(text)}' is not a date. Use the form 31/12/2024 or 2024-12-31.")


class NumberColumn(Column):
    """A number with up to 3 decimal places, blank when there is none."""

    def export(self, obj: models.Model) -> Any:
        value = getattr(obj, self.field)
        return export_number(value)

    def current(self, obj: models.Model) -> Any:
        return getattr(obj, self.field)

    def parse(self, text: str) -> Decimal | None:
        return parse_number(text)


def export_number(value: Decimal | None) -> int | Decimal | None:
    """A stored number as a cell: whole numbers as integers, others without trailing zeros."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def parse_number(text: str) -> Decimal | None:
    """A number from a cell (commas between thousands allowed), or None for a blank cell."""
    if not text:
        return None
    if not _NUMBER.match(text):
        raise CellError(
            f"'{example(text)}' is not a number. Enter a number, such as 1250 or 12.5, or leave it blank."
        )
    value = Decimal(text.replace(",", ""))
    if abs(value) >= NUMBER_LIMIT:
        raise CellError(f"'{example(text)}' is too large. Enter a number below {NUMBER_LIMIT:,}.")
    if value != value.quantize(Decimal(1).scaleb(-NUMBER_PLACES), rounding="ROUND_HALF_EVEN"):
        raise CellError(
            f"'{example(text)}' has more than {NUMBER_PLACES} decimal places. Round it to {NUMBER_PLACES}."
        )
    return value


class ChoiceColumn(Column):
    """One of a field's choices, written as its label ("Amber"); the value or first letter reads too.

    Parameters
    ----------
    choices
        The model's choices class, such as ``Action.Rag``.
    noun
        What a value is, for messages: "a RAG status".
    """

    def __init__(self, header: str, field: str, choices: type[models.TextChoices], noun: str, **kwargs: Any):
        super().__init__(header, field, **kwargs)
        self.choices = choices
        self.noun = noun
        self.by_text: dict[str, str] = {}
        initials = [str(label)[0].casefold() for label in choices.labels]
        for value, label in zip(choices.values, choices.labels, strict=True):
            self.by_text[value.casefold()] = value
            self.by_text[str(label).casefold()] = value
            if initials.count(str(label)[0].casefold()) == 1:
                self.by_text[str(label)[0].casefold()] = value

    def export(self, obj: models.Model) -> str | None:
        value = getattr(obj, self.field)
        return str(self.choices(value).label) if value else None

    def current(self, obj: models.Model) -> str:
        return getattr(obj, self.field)

    def parse(self, text: str) -> str:
        if not text and not self.required:
            return ""
        value = self.by_text.get(normal_name(text))
        if value is None:
            allowed = or_list([str(label) for label in self.choices.labels])
            blank = ", or leave it blank" if not self.required else ""
            if not text:
                raise CellError(f"Enter the {self.header.lower()}: {allowed}.")
            raise CellError(f"'{example(text)}' is not {self.noun}. Use {allowed}{blank}.")
        return value

    def display(self, value: Any) -> str:
        return str(self.choices(value).label) if value else ""


class NameColumn(Column):
    """A related record named by its name or title, from a fixed set (the plan's priorities ...).

    Parameters
    ----------
    options
        The records a cell may name.
    name_of
        The attribute holding a record's name ("title" for priorities).
    where
        Where the names come from, for messages: "a priority of this plan".
    none_hint
        What to do when there are no records to name.
    """

    def __init__(
        self,
        header: str,
        field: str,
        options: list[models.Model],
        *,
        name_of: str = "name",
        where: str,
        none_hint: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(header, field, **kwargs)
        self.name_of = name_of
        self.where = where
        self.none_hint = none_hint
        self.names = [getattr(option, name_of) for option in options]
        self.by_name: dict[str, list[models.Model]] = {}
        for option in options:
            self.by_name.setdefault(normal_name(getattr(option, self.name_of)), []).append(option)

    def export(self, obj: models.Model) -> str | None:
        related = getattr(obj, self.field)
        return getattr(related, self.name_of) if related is not None else None

    def current(self, obj: models.Model) -> Any:
        return getattr(obj, self.field)

    def parse(self, text: str) -> models.Model | None:
        allowed = "; ".join(f"'{name}'" for name in self.names)
        if not text:
            if self.required:
                raise CellError(f"Enter the {self.header.lower()}. Use one of: {allowed}.")
            return None
        found = self.by_name.get(normal_name(text), [])
        if len(found) > 1:
            raise CellError(
                f"'{example(text)}' names more than one {self.where}. Rename one of them in the plan first."
            )
        if found:
            return found[0]
        if not self.names:
            raise CellError(f"'{example(text)}' is not {self.where}; there are none yet. {self.none_hint}")
        blank = ", or leave it blank" if not self.required else ""
        raise CellError(f"'{example(text)}' is not {self.where}. Use one of: {allowed}{blank}.")

    def same(self, before: Any, after: Any) -> bool:
        return getattr(before, "pk", None) == getattr(after, "pk", None)
