"""The sign-in form, with GOV.UK wording for its errors."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your partnership administrator.",
    }

    username = forms.CharField(error_messages={"required": "Enter your username"})
    password = forms.CharField(strip=False, error_messages={"required": "Enter your password"})
