"""What administrators enter for the residents' site: how to contact the partnership, where to get help.

Every field here is public (it is named in ``published.PUBLIC_FIELDS``): these records exist
only to be shown to residents. Text may be given in Welsh as well (the ``_cy`` fields); the
Welsh pages show it when it is there and the English, marked as English, when it is not.
"""

from __future__ import annotations

from django.db import models

from saferplaces.web.partnerships.models import Partnership
from saferplaces.web.validation import LONG_TEXT


class PublicContact(models.Model):
    """How residents contact a partnership, as its administrators choose to publish it."""

    partnership = models.OneToOneField(Partnership, on_delete=models.CASCADE, related_name="public_contact")
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    contact_website = models.URLField(blank=True)
    contact_text = models.TextField(
        max_length=LONG_TEXT, blank=True, help_text="For example, a postal address or when to call."
    )
    contact_text_cy = models.TextField(max_length=LONG_TEXT, blank=True)

    class Meta:
        verbose_name = "public contact"

    def __str__(self) -> str:
        return f"How to contact {self.partnership}"

    @property
    def is_empty(self) -> bool:
        return not any((self.contact_email, self.contact_phone, self.contact_website, self.contact_text))


class HelpLink(models.Model):
    """A place residents can get help: victim services, reporting anti-social behaviour, helplines."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="help_links")
    order = models.PositiveIntegerField(default=0)
    help_name = models.CharField(max_length=200, help_text="For example, Victim support.")
    help_name_cy = models.CharField(max_length=200, blank=True)
    help_about = models.TextField(max_length=LONG_TEXT, blank=True, help_text="Who it is for, in a sentence.")
    help_about_cy = models.TextField(max_length=LONG_TEXT, blank=True)
    help_url = models.URLField(blank=True)
    help_phone = models.CharField(max_length=50, blank=True)

    class Meta:
        ordering = ["partnership", "order", "id"]

    def __str__(self) -> str:
        return self.help_name
