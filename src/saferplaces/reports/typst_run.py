"""Typst, the typesetter of every PDF and of the Word files' chart pictures (ADR 0032).

One place that knows how Safer Places calls Typst:

- fonts: Liberation Sans, shipped with the package (``reports/fonts``, SIL Open Font
  Licence), so every machine typesets the same pages; the system's fonts are searched only
  for a character Liberation Sans cannot show;
- data: handed over as JSON text in ``sys.inputs``, which a template prints as text, never as
  markup; text is cleaned first (control characters removed, very long words given places to
  break), pictures (``SVG_KEYS``) are passed untouched;
- a document that cannot meet PDF/UA-1 only because of its text (an emoji or a script
  Liberation Sans lacks, an empty heading) is typeset again tagged but without the claim,
  with the system's fonts, rather than not at all;
- a failed layout becomes a Safer Places error whose second sentence the caller chooses.

Typst releases Python's lock while it works, so callers may run it on a thread beside Python
work. It keeps what it has laid out in memory for the life of the process (a long-lived web
or worker process holds a few hundred MB more after many documents; ADR 0032).

Typst works on threads of its own, which a forked child does not inherit: Typst called again
in a child forked after its parent used it waits for ever (a gunicorn worker forked from a
master that made the demo's board packs did). So a process that did not itself start Typst's
threads typesets in a fresh process of its own (``spawn``), slower but safe.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from saferplaces.errors import SaferPlacesError

LOG = logging.getLogger(__name__)

FONTS = Path(__file__).with_name("fonts")
#: The folder a source given as bytes may read from: the templates, nothing else.
TEMPLATES = Path(__file__).with_name("templates")
#: Inputs that hold SVG pictures, passed to Typst as they are.
SVG_KEYS = frozenset({"svg", "svgs", "icons"})
#: What to do when a layout fails, unless the caller knows better.
REPORT_IT = "Report this to the Safer Places team, saying what was being made and for which area or plan."

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
#: A run of this many characters with no space gets a place to break every BREAK_EVERY of them,
#: so that a long name wraps inside its cell or line instead of running off the page.
LONG_WORD, BREAK_EVERY = 30, 20
_LONG = re.compile(rf"[^\s/\-]{{{LONG_WORD},}}")
_ZWSP = "\u200b"


def clean_text(text: str) -> str:
    """``text`` as Typst should print it: no control characters, long words breakable.

    >>> clean_text("Ward\\x07 A")
    'Ward A'
    >>> clean_text("x" * 45).count("\\u200b")
    2
    """
    text = _CONTROL.sub("", text)
    return _LONG.sub(
        lambda m: _ZWSP.join(m[0][i : i + BREAK_EVERY] for i in range(0, len(m[0]), BREAK_EVERY)), text
    )


def _cleaned(value: Any, key: str = "") -> Any:
    if key in SVG_KEYS:
        return value
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: _cleaned(v, k) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v, key) for v in value]
    return value


#: The process whose Typst has started its threads (None until Typst is first used).
_STARTED_IN: int | None = None


def _compile(source: str | bytes, call: dict[str, Any], what: str) -> bytes | list[bytes]:
    """``typst.compile``, in this process when it is safe, else in a fresh one; Typst's
    warnings (a font or picture it replaced, say) are logged, naming the output."""
    global _STARTED_IN
    if _STARTED_IN not in (None, os.getpid()):  # forked after the parent's Typst started
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:
            output, warnings = fresh.submit(_compile_here, source, call).result()
    else:
        _STARTED_IN = os.getpid()
        output, warnings = _compile_here(source, call)
    for warning in warnings:
        LOG.warning("Typst warned while laying out the %s: %s", what, warning)
    return output


def _compile_here(source: str | bytes, call: dict[str, Any]) -> tuple[bytes | list[bytes], list[str]]:
    import typst  # a compiled library: it loads in milliseconds

    try:
        output, warnings = typst.compile_with_warnings(source, **call)
    except typst.TypstError as error:  # not picklable across processes: carried as its text
        raise RuntimeError(str(error)) from None
    return output, [str(w) for w in warnings]


def run_typst(
    source: Path | bytes, inputs: dict[str, Any], what: str, action: str = REPORT_IT, **options: Any
) -> bytes | list[bytes]:
    """Typst's output for ``source`` (a template file, or Typst source as bytes).

    ``inputs`` reach the template as ``sys.inputs``, each value as JSON text. ``options`` go to
    ``typst.compile`` (``format="png"`` and ``ppi`` for pictures, ``pdf_standards``). ``what``
    names the output in the error a failed layout gives, and ``action`` says what to do.
    """
    try:
        data = {k: json.dumps(_cleaned(v, k), ensure_ascii=False, allow_nan=False) for k, v in inputs.items()}
    except (TypeError, ValueError) as error:
        raise SaferPlacesError(
            f"The {what} could not be laid out: its data are not plain text ({error}).", action
        ) from error
    root = source.parent if isinstance(source, Path) else TEMPLATES
    text = str(source) if isinstance(source, Path) else source
    call = {
        "root": str(root),
        "font_paths": [str(FONTS)],
        "ignore_system_fonts": True,
        "sys_inputs": data,
        **options,
    }
    # the log names the very document ("the PDF (Strategic assessment: Stafford, ...)")
    title = inputs.get("data", {}).get("document_title") if isinstance(inputs.get("data"), dict) else None
    named = f"{what} ({title})" if title else what
    try:
        try:
            return _compile(text, call, named)
        except RuntimeError as error:
            if "PDF/UA" not in str(error):
                raise
            # the text, not the layout, fails the standard: tagged, without the claim (a warning:
            # a reader with a screen reader gets a document that does not say it meets PDF/UA)
            LOG.warning("The %s is typeset without its PDF/UA-1 claim: %s", named, str(error).strip()[:300])
            call.pop("pdf_standards", None)
            call["ignore_system_fonts"] = False
            return _compile(text, call, named)
    except RuntimeError as error:
        raise SaferPlacesError(
            f"The {what} could not be laid out: {str(error).strip()[:300]}.", action
        ) from error
