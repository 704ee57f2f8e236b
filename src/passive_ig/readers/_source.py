"""Opening what a caller hands a reader: a path, bytes, or an open file, as text chunks.

Readers stream: they see the first chunk (``head``) to recognise the format, then
the chunks in order, never the whole file at once.
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterator
from typing import IO, Union

from ._result import NotClaimsError

__all__ = ["Source", "Text", "open_text"]

Source = Union[str, "os.PathLike[str]", bytes, IO[str], IO[bytes]]
"""A path, the file's bytes, or an open file (text or binary)."""

CHUNK = 1 << 16
UTF8 = "utf-8-sig"  # UTF-8, and a byte order mark at the start is not text
HEAD = 4096


class Text:
    """A source as decoded text, read in chunks; ``head`` is its start (at least
    4,096 characters, or all of a shorter text)."""

    def __init__(self, name: str, chunks: Iterator[str]) -> None:
        self.name = name
        self._chunks = chunks
        self.head = ""
        for chunk in chunks:  # enough to recognise the format (an ISA is 106 characters)
            self.head += chunk
            if len(self.head) >= HEAD:
                break
        if self.head.startswith("\ufeff"):
            self.head = self.head[1:]
        self._started = False

    def chunks(self) -> Iterator[str]:
        """The whole text, head first; can be taken once."""
        if self._started:
            raise RuntimeError("a source can be read once")
        self._started = True
        if self.head:
            yield self.head
        yield from self._chunks

    def lines(self) -> Iterator[str]:
        """The text as lines, each with its line ending."""
        rest = ""
        for chunk in self.chunks():
            rest += chunk
            parts = rest.splitlines(keepends=True)
            rest = parts.pop() if parts and not parts[-1].endswith(("\n", "\r")) else ""
            # a chunk ending in "\r" may be half of "\r\n": keep it for the next chunk
            if parts and parts[-1].endswith("\r"):
                rest = parts.pop() + rest
            yield from parts
        if rest:
            yield rest


def _decoded(name: str, blocks: Iterator[bytes], encoding: str) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    label = "UTF-8" if encoding == UTF8 else encoding
    offset = 0  # bytes decoded before this block
    for block in blocks:
        pending = len(decoder.getstate()[0])  # the end of the last block, not yet a character
        try:
            yield decoder.decode(block)
        except UnicodeDecodeError as exc:
            raise NotClaimsError(
                name,
                f"{label} text; byte {offset - pending + exc.start} is not {label} (a binary "
                "file, or another encoding: pass encoding=...)",
            ) from None
        offset += len(block)
    yield decoder.decode(b"", final=True)


def _blocks(handle: IO[bytes]) -> Iterator[bytes]:
    while block := handle.read(CHUNK):
        yield block


def _text_blocks(handle: IO[str]) -> Iterator[str]:
    while block := handle.read(CHUNK):
        yield block


def _file_chunks(path: str, encoding: str) -> Iterator[str]:
    with open(path, "rb") as handle:
        yield from _decoded(path, _blocks(handle), encoding)


def open_text(source: Source, encoding: str = UTF8) -> Text:
    """The source as a :class:`Text`; a path is opened lazily and closed at the end.

    Bytes and binary files are decoded with ``encoding`` (UTF-8, a byte order
    mark passed over, unless told otherwise); a text file is read as it is.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise NotClaimsError(
            encoding, "a text encoding Python knows, e.g. 'cp1252'", what="encoding"
        ) from None
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise NotClaimsError(path, "a path to an existing file (or bytes, or an open file)")
        return Text(path, _file_chunks(path, encoding))
    if isinstance(source, (bytes, bytearray)):
        return Text("<bytes>", _decoded("<bytes>", iter([bytes(source)]), encoding))
    if isinstance(source, io.TextIOBase) or (
        hasattr(source, "read")
        and "b" not in getattr(source, "mode", "r")
        and not isinstance(source, (io.RawIOBase, io.BufferedIOBase))
    ):
        name = str(getattr(source, "name", "<stream>"))
        return Text(name, _text_blocks(source))  # type: ignore[arg-type]
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        return Text(name, _decoded(name, _blocks(source), encoding))  # type: ignore[arg-type]
    raise NotClaimsError(
        source, "a path, bytes, or an open file of X12, FHIR JSON or CSV", what="claims source"
    )


def looks_like(head: str) -> str:
    """A few words on what a text that is no claims format looks like."""
    text = head.lstrip()
    if not text:
        return "it is empty"
    if text.startswith("%PDF"):
        return "it looks like a PDF document"
    if text.startswith("<"):
        return "it looks like XML or HTML"
    if text.startswith(("{", "[")):
        return "it is JSON without a FHIR resourceType"
    if "\x00" in text[:1024]:
        return "it looks like a binary file"
    first = text.splitlines()[0][:60]
    return f"it starts {first!r}"
