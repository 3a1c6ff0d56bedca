"""The API's documentation: a page made on the server from the OpenAPI schema (no script, no CDN).

django-ninja's own documentation page (Swagger UI) runs a large script and styles, which a
strict Content-Security-Policy and a phone without JavaScript would not show well; this page
reads the same schema and shows every endpoint, its parameters and its fields.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from saferplaces.web.api.api import api
from saferplaces.web.public.http import cached


def _fields(schema: dict[str, Any], components: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """The name and fields of a response schema (following one list and one reference)."""
    many = schema.get("type") == "array"
    target = schema.get("items", {}) if many else schema
    ref = target.get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    props = components.get(name, {}).get("properties", {})
    fields = []
    for field, spec in props.items():
        kinds = [s.get("type") or s.get("$ref", "").rsplit("/", 1)[-1] for s in spec.get("anyOf", [spec])]
        fields.append({"name": field, "type": " or ".join(k for k in kinds if k) or "object"})
    return (f"a list of {name}" if many else name), fields


def endpoints() -> list[dict[str, Any]]:
    schema = api.get_openapi_schema(path_prefix=reverse("api:api-root"))
    components = schema.get("components", {}).get("schemas", {})
    out = []
    for url, methods in schema["paths"].items():
        for method, op in methods.items():
            ok = op.get("responses", {}).get(200, op.get("responses", {}).get("200", {}))
            body = ok.get("content", {}).get("application/json", {}).get("schema", {})
            returns, fields = _fields(body, components)
            out.append(
                {
                    "method": method.upper(),
                    "url": url,
                    "summary": op.get("summary", ""),
                    "parameters": [
                        {"name": p["name"], "where": p["in"], "required": p.get("required", False)}
                        for p in op.get("parameters", [])
                    ],
                    "returns": returns,
                    "fields": fields,
                }
            )
    return out


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    """Every endpoint of the public API, from its OpenAPI schema."""

    def make() -> HttpResponse:
        return render(
            request,
            "api/docs.html",
            {
                "title": "Open data: the public API",
                "api": api,
                "endpoints": endpoints(),
                "schema_url": reverse("api:openapi-json"),
                "lang": "en",
                "purl": lambda name, *args: reverse(f"public:{name}", args=args or None),
                "other_language_url": None,  # the API's documentation is in English only
            },
        )

    return cached(request, "en", make)
