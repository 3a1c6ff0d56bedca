"""Opening input files safely, for every import (police.uk files and partner extracts).

A file given to an import is checked before anything reads it as CSV:

- it must be an ordinary file that can be read: a named pipe, a device or a socket
  is refused (reading one could block for ever or never end), and so is a file the
  operating system will not open;
- what it is comes from its first bytes, never from its name: gzip and zip are
  read, other compressions (bzip2, xz, zstd, 7-Zip, RAR) are refused by name;
- reading is bounded: the header line, every line, the uncompressed size of a
  file and of a zip archive, and the compression ratio all have a cap
  (:data:`LIMITS`), so that a small hostile file cannot fill memory or disk.

Every refusal is one sentence on what is wrong, naming the file, and one on what to do.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from saferplaces.data.files import READ_CHUNK, is_gzip
from saferplaces.errors import DataFormatError, InputError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
#: Compressions Safer Places does not read, by their first bytes.
OTHER_COMPRESSIONS: tuple[tuple[bytes, str], ...] = (
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
)


@dataclass(frozen=True)
class Limits:
    """Caps on what one input may make Safer Places read.

    Attributes
    ----------
    header_bytes
        The longest header line (police.uk headers are under 200 bytes).
    line_bytes
        The longest line of a CSV (police.uk rows are under 1,000 bytes).
    file_bytes
        The most bytes one file may hold once decompressed.
    archive_bytes
        The most bytes all the wanted files of one zip archive may hold once decompressed.
    ratio
        The highest compression ratio (decompressed bytes over compressed bytes) allowed
        once more than ``ratio_floor`` bytes have come out; real CSVs compress 3 to 20 times.
    ratio_floor
        Decompressed bytes below which the ratio is not checked (small files of repeated
        rows compress very well and are harmless).
    archive_files
        The most wanted files one zip archive may hold (a data.police.uk archive of three
        years of every force holds about 5,000).
    blank_bytes
        The most line-end bytes in a row (blank lines) a CSV may hold. DuckDB's CSV reader
        can drop the rows after a few megabytes of blank lines without an error, so a file
        with more is refused before it reads it; no real CSV has thousands of blank lines.
    """

    header_bytes: int = 64 * 1024
    line_bytes: int = 1024 * 1024
    file_bytes: int = 4 * 1024**3
    archive_bytes: int = 16 * 1024**3
    ratio: float = 200.0
    ratio_floor: int = 64 * 1024**2
    archive_files: int = 20_000
    blank_bytes: int = 64 * 1024


#: The limits every import uses.
LIMITS = Limits()


def _size(n: float) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if n >= scale:
            return f"{n / scale:,.0f} {unit}"
    return f"{n:,.0f} bytes"


# --------------------------------------------------------------------------------------------
# What the path is


def check_readable_file(path: Path, shown: str) -> None:
    """Refuse anything but an ordinary file this process can open for reading.

    Raises
    ------
    InputError
        For a missing path, a folder, a named pipe, a device, a socket, or a file the
        operating system will not open (permission denied and the like).
    """
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise InputError(f"The path {shown} does not exist.", "Check the spelling and try again.") from exc
    except OSError as exc:
        raise unreadable(exc, shown) from exc
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise InputError(f"{shown} is a folder, not a file.", "Name a file, or the folder that holds them.")
    for test, what in (
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            raise InputError(
                f"{shown} is {what}, not a file, so it cannot be imported.",
                "Save the data to an ordinary file first and import that file.",
            )
    if not stat.S_ISREG(mode):
        raise InputError(
            f"{shown} is not an ordinary file, so it cannot be imported.",
            "Save the data to an ordinary file first and import that file.",
        )
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise unreadable(exc, shown) from exc


def unreadable(exc: OSError, shown: str) -> InputError:
    """The refusal for a file the operating system would not let us read."""
    if isinstance(exc, PermissionError):
        return InputError(
            f"The file {shown} cannot be read: permission denied.",
            "Ask its owner for read access, or copy it to a folder you can read, then import the copy.",
        )
    reason = exc.strerror or str(exc)
    return InputError(
        f"The file {shown} cannot be read ({reason}).",
        "Check the disk or network drive it is on, or copy it somewhere else and import the copy.",
    )


def walk_folder(folder: Path, shown: str, wanted: Callable[[Path], bool]) -> list[Path]:
    """Every file under ``folder`` (recursively, sorted) for which ``wanted`` is true.

    A sub-folder that cannot be listed stops the import (it might hold wanted files),
    and so does a wanted file that is a pipe or device or cannot be read. Links to folders
    are not followed; a folder that holds nothing wanted but such links says so.
    """

    def fail(exc: OSError) -> None:
        where = exc.filename or shown
        if isinstance(exc, PermissionError):
            raise InputError(
                f"The folder {shown} holds {where}, which cannot be read: permission denied.",
                "Ask its owner for read access, or move it out of the folder, then import again.",
            ) from exc
        raise InputError(
            f"The folder {shown} holds {where}, which cannot be read ({exc.strerror or exc}).",
            "Check the disk it is on, or move it out of the folder, then import again.",
        ) from exc

    found: list[Path] = []
    links: list[Path] = []  # links to folders, which are not followed (they may loop, or leave the folder)
    for root, dirs, files in os.walk(folder, onerror=fail, followlinks=False):
        dirs.sort()
        links.extend(Path(root) / d for d in dirs if (Path(root) / d).is_symlink())
        for name in files:
            path = Path(root) / name
            if wanted(path):
                found.append(path)
    found.sort()
    if not found and links:
        raise InputError(
            f"The folder {shown} holds nothing to import but links to other folders "
            f"({links[0].relative_to(folder)}{' and more' if len(links) > 1 else ''}), "
            "which are not followed.",
            "Name the linked folder itself, or copy its files into the folder, then import again.",
        )
    for path in found:
        check_readable_file(path, str(path))
    return found


# --------------------------------------------------------------------------------------------
# What the bytes are


def sniff(path: Path, shown: str) -> str:
    """``"gzip"``, ``"zip"`` or ``"plain"``, from the file's first bytes; other compressions refused."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZIP_MAGICS):
        return "zip"
    for magic, name in OTHER_COMPRESSIONS:
        if head.startswith(magic):
            raise DataFormatError(
                f"The file {shown} is compressed with {name}, which Safer Places does not read.",
                "Decompress it, or compress it again with gzip or zip, and import that file.",
            )
    return "plain"


class _Inflater:
    """Decompress gzip bytes (one or more members) with a cap on what comes out."""

    def __init__(self, shown: str, action: str, limits: Limits) -> None:
        self.shown, self.action, self.limits = shown, action, limits
        self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.bytes_in = 0
        self.bytes_out = 0
        self.finished = False

    def damaged(self, exc: Exception | None = None) -> DataFormatError:
        detail = f" ({exc})" if exc else ""
        return DataFormatError(
            f"The file {self.shown} is a damaged or incomplete gzip file{detail}.", self.action
        )

    def feed(self, data: bytes, sink: Callable[[bytes], bool] | None = None) -> None:
        """Decompress ``data``; ``sink`` gets each piece and returns True when it has enough."""
        self.bytes_in += len(data)
        pending = data
        more = False  # the last call filled its output: zlib may hold more
        while pending or more or self.inflate.eof:
            if self.inflate.eof:
                rest = self.inflate.unused_data + pending
                if not rest.strip(b"\x00"):
                    return  # nothing, or zero padding after the last member
                if not rest.startswith(GZIP_MAGIC[: len(rest)]):
                    raise self.damaged(ValueError("bytes after the end of the compressed data"))
                self.inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                pending = rest
            try:
                # at most one chunk out per call, so a bomb never sits in memory whole
                out = self.inflate.decompress(pending, READ_CHUNK)
            except zlib.error as exc:
                raise self.damaged(exc) from exc
            pending = self.inflate.unconsumed_tail
            more = len(out) == READ_CHUNK
            self.bytes_out += len(out)
            self.check()
            if sink is not None and out and sink(out):
                return

    def check(self) -> None:
        limits = self.limits
        if self.bytes_out > limits.file_bytes:
            raise DataFormatError(
                f"The file {self.shown} decompresses to more than {_size(limits.file_bytes)}, "
                "more than Safer Places reads from one file.",
                "Split the data into smaller files (one per month, say) and import those.",
            )
        if self.bytes_out > limits.ratio_floor and self.bytes_out > limits.ratio * max(self.bytes_in, 1):
            raise DataFormatError(
                f"The file {self.shown} decompresses to over {limits.ratio:,.0f} times its compressed "
                "size, which no real CSV does, so it was not read.",
                "Check where the file came from; if it is genuine, decompress it and import the CSV.",
            )

    def close(self) -> None:
        if not self.inflate.eof:
            raise self.damaged(EOFError("the compressed data end before the end of the file"))


def check_inflated(shown: str, bytes_in: int, bytes_out: int, action: str, limits: Limits = LIMITS) -> None:
    """Refuse a file that has decompressed ``bytes_out`` from ``bytes_in`` beyond the limits.

    For readers that decompress by other means (a zip member copied out by ``download``):
    the same per-file size and ratio limits as :func:`read_whole` and :func:`unpack_zip`.
    """
    counter = _Inflater(shown, action, limits)
    counter.bytes_in, counter.bytes_out = max(bytes_in, 1), bytes_out
    counter.check()


@dataclass(frozen=True)
class FileFacts:
    """What one pass over a file found: its fingerprint and sizes."""

    sha256: str
    compression: str
    size: int
    uncompressed_size: int
    #: With ``read_whole(..., later=True)``: the refusal of too many blank lines in a row, for
    #: the caller to raise once it has checked what all its files decompress to together.
    blank_lines: DataFormatError | None = None


class _TextScan:
    """Watch the decompressed bytes for a NUL (a binary zero), which no CSV text holds, and for
    a run of blank lines longer than ``limits.blank_bytes`` (see :class:`Limits`)."""

    _CR_AS_LF = bytes.maketrans(b"\r", b"\n")

    def __init__(self, shown: str, limits: Limits = LIMITS) -> None:
        self.shown = shown
        self.limit = limits.blank_bytes
        self.lines = 0
        self.run = 0  # line-end bytes at the end of what has been seen
        self.run_line = 0  # the line the run at the end started on
        self.blank_after = 0  # the line after which too many blank lines were found

    def __call__(self, data: bytes) -> bool:
        at = data.find(b"\x00")
        if at >= 0:
            line = self.lines + data.count(b"\n", 0, at) + 1
            raise DataFormatError(
                f"The file {self.shown} holds a NUL byte (a binary zero) on line {line}, so it is "
                "not CSV text.",
                "Check you chose the right file, or get it again from where it came from.",
            )
        self._blank_lines(data)
        self.lines += data.count(b"\n")
        return False

    def _blank_lines(self, data: bytes) -> None:
        """Refuse a run of line ends longer than the limit, within ``data`` or across chunks."""
        body = data.lstrip(b"\r\n")
        lead = len(data) - len(body)
        start = self.run_line if self.run else self.lines + 1
        if self.run + lead > self.limit:
            self._too_many_blank_lines(start)
        if not body:  # all line ends: the run goes on
            self.run, self.run_line = self.run + lead, start
            return
        # inside the chunk: only a chunk holding two line ends together can hold a long run
        if b"\n\n" in data or b"\r\r" in data or b"\n\r\n" in data:
            found = data.translate(self._CR_AS_LF).find(b"\n" * (self.limit + 1))
            if found >= 0:
                self._too_many_blank_lines(self.lines + data.count(b"\n", 0, found) + 1)
        tail = len(body) - len(body.rstrip(b"\r\n"))
        self.run = tail
        self.run_line = self.lines + data.count(b"\n", 0, len(data) - tail) + 1

    def _too_many_blank_lines(self, line: int) -> None:
        # said once the whole file is read, so that a gzip bomb of line ends is named as a bomb
        self.blank_after = self.blank_after or line

    def finish(self) -> DataFormatError | None:
        """The refusal, now the file has all been read, if it had too many blank lines in a row."""
        if not self.blank_after:
            return None
        return DataFormatError(
            f"The file {self.shown} has more than {_size(self.limit)} of blank lines in a row "
            f"after line {self.blank_after:,}, which no real CSV has.",
            "Delete the blank lines (or get the file again from where it came from) and import it again.",
        )


def read_whole(
    path: Path, shown: str, action: str, limits: Limits = LIMITS, *, later: bool = False
) -> FileFacts:
    """Read a plain or gzip file once: SHA-256 of its bytes, and for gzip a whole, bounded inflate.

    A truncated or corrupt gzip file, one that decompresses beyond the limits, and text holding
    a NUL byte are refused here, before any CSV reader sees them. ``action`` tells the user
    where to get the file again.
    """
    kind = sniff(path, shown)
    digest = hashlib.sha256()
    inflater = _Inflater(shown, action, limits) if kind == "gzip" else None
    scan = _TextScan(shown, limits)
    size = 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
            if inflater is not None:
                inflater.feed(chunk, scan)
                continue
            scan(chunk)
            if size > limits.file_bytes:
                raise DataFormatError(
                    f"The file {shown} is larger than {_size(limits.file_bytes)}, more than Safer "
                    "Places reads from one file.",
                    "Split the data into smaller files (one per month, say) and import those.",
                )
    if inflater is not None:
        inflater.close()
    blank_lines = scan.finish()
    if blank_lines is not None and not later:
        raise blank_lines
    return FileFacts(
        sha256=digest.hexdigest(),
        compression=kind,
        size=size,
        uncompressed_size=inflater.bytes_out if inflater is not None else size,
        blank_lines=blank_lines,
    )


#: Files often saved under a CSV name by mistake, by their first bytes (after any byte order
#: mark and white space; HTML and XML in any case).
DISGUISES: tuple[tuple[bytes, str], ...] = (
    (b"%pdf-", "a PDF document"),
    (b"<!doctype html", "a web page (HTML)"),
    (b"<html", "a web page (HTML)"),
    (b"<head", "a web page (HTML)"),
    (b"<?xml", "an XML file"),
    (b"\xd0\xcf\x11\xe0", "an Excel 97-2003 workbook or another Office file"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x89png", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def disguised(head: bytes) -> str | None:
    """What a file really is when its first bytes say it is not CSV text ("a PDF document"), or None.

    Both the command-line imports (through :func:`first_line`) and the web app's uploads ask
    this, so a web page or a PDF saved under a CSV name gets the same plain refusal everywhere.
    """
    start = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    for magic, what in DISGUISES:
        if start.startswith(magic):
            return what
    return None


def not_csv(shown: str, what: str) -> DataFormatError:
    """The refusal for a file that is :func:`disguised`."""
    if "Excel" in what:
        action = "Open it in Excel, save it as 'CSV UTF-8 (Comma delimited)' and import that file."
    else:
        action = (
            "Check you chose the right file; a download that failed or needed a sign-in often saves "
            "a web page under a CSV name, so download the CSV again."
        )
    return DataFormatError(f"The file {shown} is {what}, not a CSV file.", action)


_SEPARATORS = ((";", "semicolons"), ("\t", "tabs"), ("|", "vertical bars"))


def separator_problem(header: list[str], subject: str) -> DataFormatError | None:
    """The refusal for a header row that shows the file is not comma-separated, or None.

    ``header`` is the first row as a CSV reader split it at commas; ``subject`` begins the
    sentence ("The file x.csv", "The selected file"). Excel writes semicolons in countries
    where the comma is the decimal mark, and a "sep=" first line when asked to; both read as
    one strange column name otherwise. The command-line imports (``pipeline.header_row``) and
    the web uploads (``web/tables.py``) ask this.
    """
    action = "Save it again as 'CSV UTF-8 (Comma delimited)' and import that file."
    cells = [cell.strip() for cell in header]
    if cells and cells[0].lower().startswith("sep=") and len([c for c in cells if c]) <= 1:
        return DataFormatError(
            f"{subject} starts with a '{cells[0][:6]}' line (which Excel writes to name the separator) "
            "instead of the column headings.",
            "Delete that first line, or " + action[0].lower() + action[1:],
        )
    if len([c for c in cells if c]) != 1:
        return None
    for mark, name in _SEPARATORS:
        if cells[0].count(mark) >= 1 and len(cells[0].split(mark)) > 2:
            return DataFormatError(f"{subject} separates its columns with {name}, not commas.", action)
    return None


def looks_utf16(head: bytes) -> bool:
    """True for UTF-16 text: a UTF-16 byte order mark, or plain ASCII with every other byte zero."""
    return head.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_bom(head[:64])


def _utf16_without_bom(head: bytes) -> bool:
    """True when text starts as UTF-16 of plain ASCII does: every other byte a zero."""
    if len(head) < 8:
        return False
    pairs = len(head) // 2 * 2
    return head[1:pairs:2].count(0) == pairs // 2 or head[0:pairs:2].count(0) == pairs // 2


def first_line(path: Path, shown: str, action: str, limits: Limits = LIMITS) -> str:
    """The file's first line as text (UTF-8, a byte order mark dropped), read within the header cap.

    Raises
    ------
    DataFormatError
        If the file is gzip and damaged, the line is longer than the cap, or it is not UTF-8.
    """
    kind = sniff(path, shown)
    got = bytearray()
    cap = limits.header_bytes

    def take(data: bytes) -> bool:
        got.extend(data)
        return b"\n" in data or len(got) > cap

    with open(path, "rb") as handle:
        if kind == "gzip":
            inflater = _Inflater(shown, action, limits)
            while b"\n" not in got and len(got) <= cap:
                chunk = handle.read(16 * 1024)
                if not chunk:
                    break
                inflater.feed(chunk, take)
        else:
            while b"\n" not in got and len(got) <= cap:
                chunk = handle.read(64 * 1024)
                if not chunk:
                    break
                got.extend(chunk)
    if kind == "gzip" and got.startswith((GZIP_MAGIC, *ZIP_MAGICS, *(m for m, _ in OTHER_COMPRESSIONS))):
        raise DataFormatError(
            f"The file {shown} is compressed twice: what it holds is another compressed file, not CSV text.",
            "Decompress it fully and import the CSV file inside.",
        )
    what = disguised(bytes(got[:64]))
    if what:
        raise not_csv(shown, what)
    end = got.find(b"\n")
    line = bytes(got if end < 0 else got[: end + 1])
    if len(line) > cap and b"\r" in got[:cap]:
        raise _cr_only(shown)  # a long file of carriage returns alone has no line feed at all
    if len(line) > cap:
        raise DataFormatError(
            f"The first line of {shown} is longer than {_size(cap)}, so it is not a CSV header.",
            "Check you chose the right file.",
        )
    if looks_utf16(bytes(got[:64])):
        raise DataFormatError(
            f"The file {shown} is UTF-16 text, not UTF-8.",
            "Save it again as 'CSV UTF-8 (comma delimited)' and import that file.",
        )
    try:
        text = line.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            f"The file {shown} is not UTF-8 text.",
            "Save it again as 'CSV UTF-8 (comma delimited)' and import that file.",
        ) from exc
    if "\r" in text.rstrip("\r\n"):
        raise _cr_only(shown)
    return text


def _cr_only(shown: str) -> DataFormatError:
    return DataFormatError(
        f"The file {shown} ends its lines with a carriage return alone (as old Mac files did), "
        "so its rows cannot be told apart.",
        "Save it again as CSV with Windows or Unix line endings and import that file.",
    )


def line_end_change(path: Path) -> tuple[int, bool] | None:
    """The first line (and whether it ends in CR LF) whose line end differs from the header's,
    outside quoted cells (a line break inside a cell may be either), or None.

    DuckDB's strict reader refuses some files that mix Windows (CR LF) and Unix (LF) line ends
    without naming a line; this finds it, reading the file again (only when that happened).
    """
    first: bool | None = None
    open_quote = False
    with gzip.open(path, "rb") if is_gzip(path) else open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.count(b'"') % 2:
                open_quote = not open_quote
            if open_quote or not line.endswith(b"\n"):
                continue
            crlf = line.endswith(b"\r\n")
            if first is None:
                first = crlf
            elif crlf != first:
                return number, crlf
    return None


def friendly_csv_error(exc: Exception, name: str, action: str, path: Path | None = None) -> DataFormatError:
    """One plain sentence for DuckDB's CSV reader's complaint about the file ``name`` (read
    from ``path``, which is looked at again when DuckDB names no line)."""
    text = str(exc)
    lower = text.lower()
    line = re.search(r"[Ll]ine:? (\d+)", text)
    where = f" on line {line.group(1)}" if line else ""
    changed = line_end_change(path) if path is not None and not line else None
    if changed:
        ends = ("Windows (CR LF)", "Unix (LF)")
        this, header = ends if changed[1] else ends[::-1]
        return DataFormatError(
            f"The file {name} mixes line endings: line {changed[0]:,} ends {this}, but the header "
            f"ends {header}.",
            "Open it in a text editor or Excel and save it again as CSV (which writes one kind "
            "throughout), then import it again.",
        )
    if "maximum line size" in lower:
        return DataFormatError(
            f"The file {name} has a line longer than {LIMITS.line_bytes // 1024:,} KB{where}, "
            "which no real CSV row is.",
            action,
        )
    if "unicode" in lower or "utf-8" in lower or "utf8" in lower:
        return DataFormatError(
            f"The file {name} has bytes that are not UTF-8 text{where}.",
            "Save it again as 'CSV UTF-8 (comma delimited)', or get it again from where it came from.",
        )
    if "gzip" in lower or "compress" in lower:
        return DataFormatError(f"The file {name} is a damaged or incomplete gzip file.", action)
    return DataFormatError(
        f"The file {name} cannot be read as CSV{where}: a row has the wrong number of fields "
        "or a broken quote.",
        action,
    )


# --------------------------------------------------------------------------------------------
# Zip archives and whole imports


def check_total(bytes_in: int, bytes_out: int, what: str, limits: Limits = LIMITS) -> None:
    """Bound what many files together decompress to: an archive, or all the files of an import.

    Each file may pass the per-file limits (many files of 60 MB made from 60 KB each, or an
    archive whose entries overlap one compressed stream), so the total and its ratio are
    checked too. ``what`` begins the sentence: "The archive x.zip", "The files given".
    """
    if bytes_out > limits.archive_bytes:
        raise DataFormatError(
            f"{what} decompress{'es' if what.startswith('The archive') else ''} to more than "
            f"{_size(limits.archive_bytes)}, more than Safer Places reads in one import.",
            "Import the files a few at a time.",
        )
    if bytes_out > limits.ratio_floor and bytes_out > limits.ratio * max(bytes_in, 1):
        raise DataFormatError(
            f"{what} decompress{'es' if what.startswith('The archive') else ''} to over "
            f"{limits.ratio:,.0f} times {'its' if what.startswith('The archive') else 'their'} "
            "compressed size, which no real CSVs do, so nothing was read.",
            "Check where the files came from; if they are genuine, decompress them and import the CSVs.",
        )


@dataclass(frozen=True)
class Unpacked:
    """One file taken out of a zip archive."""

    path: Path  # where it was written
    name: str  # its own file name
    shown: str  # how messages name it: "archive.zip: folder/name.csv"


@dataclass(frozen=True)
class UnpackResult:
    files: tuple[Unpacked, ...]
    notes: tuple[str, ...] = ()


_ZIP_METHODS = {
    zipfile.ZIP_STORED: "stored",
    zipfile.ZIP_DEFLATED: "deflate",
    zipfile.ZIP_BZIP2: "bzip2",
    zipfile.ZIP_LZMA: "lzma",
}
_OTHER_ZIP_METHODS = {
    9: "Deflate64",
    93: "Zstandard",
    95: "XZ",
    96: "JPEG",
    97: "WavPack",
    98: "PPMd",
    99: "AES",
}


def office_document(path: Path) -> str | None:
    """ "an Excel workbook (XLSX)" (or Word, PowerPoint) when a zip file is an Office document, else None.

    Office files are zip archives; a workbook given where a CSV is wanted would otherwise be
    refused as an archive without CSV files.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for folder, what in (
        ("xl/", "an Excel workbook (XLSX)"),
        ("word/", "a Word document"),
        ("ppt/", "a PowerPoint file"),
    ):
        if any(name.startswith(folder) for name in names):
            return what
    return None


def nested_archive(shown: str, inner: str) -> DataFormatError:
    """The refusal for a zip archive found inside another (by its name or its first bytes)."""
    return DataFormatError(
        f"The archive {shown} holds another zip archive, {inner}, and Safer Places does not open "
        "an archive inside an archive.",
        f"Unzip {PurePosixPath(inner).name} first and import the files it holds, or the folder you "
        "unzipped it to.",
    )


def unpack_zip(
    archive: Path,
    shown: str,
    work: Path,
    wanted: Callable[[str], bool],
    action: str,
    limits: Limits = LIMITS,
) -> UnpackResult:
    """Take the wanted files (by file name) out of a zip archive into a new folder under ``work``.

    Refused: an archive that is not a readable zip, a zip archive inside it (by its name, or a
    wanted file whose bytes are a zip archive), an encrypted member, a compression method
    Python cannot read, members that decompress beyond the limits (declared or actual), and
    two different members with the same file name in different folders. The very same file
    twice is taken once and said so in ``notes``.
    """
    target = work / f"zip-{uuid.uuid4().hex}"
    notes: list[str] = []
    out: list[Unpacked] = []
    seen: dict[str, tuple[str, str]] = {}  # name -> (member path, sha256)
    total = 0
    try:
        with zipfile.ZipFile(archive) as zf:
            for m in zf.infolist():
                if not m.is_dir() and PurePosixPath(m.filename).suffix.lower() == ".zip":
                    raise nested_archive(shown, m.filename)
            members = [m for m in zf.infolist() if not m.is_dir() and wanted(PurePosixPath(m.filename).name)]
            if len(members) > limits.archive_files:
                raise DataFormatError(
                    f"The archive {shown} holds {len(members):,} files to read, more than the "
                    f"{limits.archive_files:,} Safer Places reads from one archive.",
                    "Unzip it yourself and import the files a folder at a time.",
                )
            for m in members:
                label = f"{shown}: {m.filename}"
                if m.flag_bits & 0x1:
                    raise DataFormatError(
                        f"The archive {shown} is protected by a password ({m.filename} is encrypted).",
                        "Unzip it yourself with the password and import the CSV files, or download an "
                        "unprotected copy.",
                    )
                if m.compress_type not in _ZIP_METHODS:
                    method = _OTHER_ZIP_METHODS.get(m.compress_type, f"method {m.compress_type}")
                    raise DataFormatError(
                        f"The archive {shown} compresses {m.filename} with {method}, which Safer Places "
                        "cannot read.",
                        "Unzip it with another tool and import the CSV files, or zip them again with "
                        "ordinary (deflate) compression.",
                    )
                declared = _Inflater(label, action, limits)
                declared.bytes_in, declared.bytes_out = m.compress_size, m.file_size
                declared.check()
            archive_size = max(archive.stat().st_size, 1)
            check_total(archive_size, sum(m.file_size for m in members), f"The archive {shown}", limits)
            for index, m in enumerate(members):
                label = f"{shown}: {m.filename}"
                name = PurePosixPath(m.filename).name
                folder = target / str(index)
                folder.mkdir(parents=True)
                dest = folder / name
                counter = _Inflater(label, action, limits)
                digest = hashlib.sha256()
                with zf.open(m) as src, open(dest, "wb") as dst:
                    for chunk in iter(lambda src=src: src.read(READ_CHUNK), b""):
                        if not counter.bytes_out and chunk.startswith(ZIP_MAGICS):
                            raise nested_archive(shown, m.filename)
                        counter.bytes_out += len(chunk)
                        counter.bytes_in = max(m.compress_size, 1)
                        counter.check()
                        total += len(chunk)
                        check_total(archive_size, total, f"The archive {shown}", limits)
                        digest.update(chunk)
                        dst.write(chunk)
                sha = digest.hexdigest()
                if name in seen:
                    first, first_sha = seen[name]
                    if first_sha != sha:
                        raise DataFormatError(
                            f"The archive {shown} holds two different files named {name}: "
                            f"{first} and {m.filename}.",
                            "Keep only the one you mean to load (or rename one), then import again.",
                        )
                    notes.append(
                        f"The archive {shown} holds {name} twice ({first} and {m.filename}) with the "
                        "same contents; it was read once."
                    )
                    dest.unlink()
                    continue
                seen[name] = (m.filename, sha)
                out.append(Unpacked(path=dest, name=name, shown=label))
    except zipfile.BadZipFile as exc:
        raise DataFormatError(f"The file {shown} is not a readable zip archive ({exc}).", action) from exc
    except (NotImplementedError, RuntimeError) as exc:  # methods or encryption zipfile refuses
        raise DataFormatError(
            f"The archive {shown} cannot be unpacked ({exc}).",
            "Unzip it with another tool and import the CSV files.",
        ) from exc
    except (EOFError, zlib.error) as exc:
        raise DataFormatError(f"The archive {shown} is damaged or incomplete ({exc}).", action) from exc
    return UnpackResult(files=tuple(out), notes=tuple(notes))
