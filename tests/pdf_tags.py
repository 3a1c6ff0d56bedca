"""Reading a PDF as a screen reader and a search would: its text, and its tag tree's text alternatives."""

from __future__ import annotations

#: Typst's markup characters and a call that would stop the layout: a PDF made from data prints it
#: as it is.
HOSTILE = 'Ward #1 [a] *b* _c_ $x$ <lab> @ref `code` \\ = #panic("no") end'


def pdf_text(reader) -> str:  # noqa: ANN001
    """Every page's text, white space made single (a line break inside a sentence is a space)."""
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def figure_alts(reader) -> set[str]:  # noqa: ANN001
    """The /Alt text of every structure element in the PDF's tag tree."""
    found: set[str] = set()
    todo = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
            continue
        node = node.get_object() if hasattr(node, "get_object") else node
        if not hasattr(node, "get"):
            continue
        if "/Alt" in node:
            found.add(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            todo.append(kids)
    return found
