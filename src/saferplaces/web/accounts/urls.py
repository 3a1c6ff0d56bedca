from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from saferplaces.web.accounts.forms import SignInForm

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="accounts/sign_in.html", authentication_form=SignInForm),
        name="sign-in",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
]
