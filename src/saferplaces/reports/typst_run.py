"""Typst, the typesetter of the assessment's PDF and the Word files' pictures (ADR 0032).

One place that knows how Safer Places calls Typst: with Debian's Liberation fonts (metric-
compatible with Arial, installed by setup) and no other system fonts when they are found, the
data handed over as JSON text in ``sys.inputs`` (a template prints it as text, never as
markup), and a failed layout reported as a Safer Places error. Typst releases Python's lock
while it works, so callers may run it on a thread beside Python work.
"""

from __future__ import annotations

import json
from pathlib import Path

from saferplaces.errors import SaferPlacesError

#: Debian's Liberation fonts; Typst's own fonts stand in where they are missing.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)


#: What to do when a layout fails, unless the caller knows better (a web page does).
REPORT_IT = (
    "Write the other formats (for example --format html,xlsx,json), and report this to the Safer Places team."
)


def run_typst(
    source: Path | bytes, inputs: dict[str, object], what: str, action: str = REPORT_IT, **options: object
) -> bytes | list[bytes]:
    """Typst's output for ``source`` (a template file, or Typst source as bytes).

    ``inputs`` reach the template as ``sys.inputs``, each value as JSON text. ``options`` go to
    ``typst.compile`` (``format="png"`` and ``ppi`` for pictures, ``pdf_standards``). ``what``
    names the output in the error a failed layout gives, and ``action`` says what to do.
    """
    import typst  # a compiled library: it loads in milliseconds

    fonts = [str(d) for d in FONT_DIRS if d.is_dir()]
    where = {"root": str(source.parent)} if isinstance(source, Path) else {}
    try:
        return typst.compile(
            str(source) if isinstance(source, Path) else source,
            font_paths=fonts,
            # with the Liberation fonts found, the system's other fonts are not searched (faster,
            # and the same output on every machine)
            ignore_system_fonts=bool(fonts),
            sys_inputs={k: json.dumps(v, ensure_ascii=False) for k, v in inputs.items()},
            **where,
            **options,
        )
    except RuntimeError as error:  # Typst reports a failed layout as RuntimeError
        raise SaferPlacesError(
            f"The {what} could not be laid out: {str(error).strip()[:300]}.", action
        ) from error
