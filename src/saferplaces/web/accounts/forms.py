"""The sign-in and password-reset forms, with GOV.UK wording for their errors."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been switched off. Ask your partnership administrator.",
    }

    username = forms.CharField(error_messages={"required": "Enter your username"})
    password = forms.CharField(strip=False, error_messages={"required": "Enter your password"})


class ResetRequestForm(PasswordResetForm):
    """Asks for the account's email address; the page says the same whether or not one matches."""

    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )


class NewPasswordForm(SetPasswordForm):
    """The new password, twice, checked against the password rules (AUTH_PASSWORD_VALIDATORS)."""

    error_messages = {
        "password_mismatch": "The passwords do not match. Enter the same new password twice.",
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
