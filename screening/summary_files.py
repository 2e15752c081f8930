"""The prescriber's summaries at rest: written whole or not at all, readable by the app's user
only, and checked against the SHA-256 and size recorded when they were made.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import tempfile

FILE_MODE = 0o600
FOLDER_MODE = 0o700


class SummaryFileError(Exception):
    """A stored summary cannot be handed out; the message is for the clinician."""


class SummaryMissing(SummaryFileError):
    pass


class SummaryAltered(SummaryFileError):
    pass


def _make_folders(folder: str) -> None:
    """Create `folder` and the missing folders above it, each 0700 (makedirs' mode is not
    applied to the intermediate ones, and the umask would loosen it)."""
    missing = []
    path = folder
    while not os.path.isdir(path):
        missing.append(path)
        parent = os.path.dirname(path)
        if parent == path:
            break
        path = parent
    for path in reversed(missing):
        try:
            os.mkdir(path, FOLDER_MODE)
        except FileExistsError:
            if not os.path.isdir(path):
                raise NotADirectoryError(errno.ENOTDIR, "Not a folder", path) from None
        os.chmod(path, FOLDER_MODE)


def write(storage, name: str, content: bytes) -> str:
    """Store `content` in a file-system `storage` under `name` (or a free variant of it) and
    return the name used. The bytes go to a temporary file in the same folder, are flushed to
    disk and only then renamed into place, so a full or failing disk never leaves a truncated
    PDF under a summary's name; on any failure the temporary file is removed."""
    name = storage.get_available_name(name)
    final = storage.path(name)
    folder = os.path.dirname(final)
    _make_folders(folder)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, FILE_MODE)  # mkstemp makes it 0600 already; say so
        os.replace(temporary, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    return name


def read_verified(stored) -> bytes:
    """The bytes of a stored summary, once they match its recorded size and SHA-256."""
    try:
        with stored.file.open("rb") as handle:
            content = handle.read()
    except OSError as error:  # gone, or a folder or permission changed under it
        raise SummaryMissing("The stored summary file is missing or cannot be read.") from error
    if len(content) != stored.size or hashlib.sha256(content).hexdigest() != stored.sha256:
        raise SummaryAltered("The stored summary does not match what was made at sign-off.")
    return content


def failure_text(error: BaseException) -> str:
    """What a clinician is told when a summary could not be made: plain words, no traceback."""
    if isinstance(error, OSError):
        if error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return "The clinic's file storage is full, so the PDF could not be saved."
        if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR, errno.EEXIST):
            return "The clinic's file storage cannot be written to, so the PDF could not be saved."
        return "The PDF could not be saved to the clinic's file storage."
    return "The PDF could not be made from the case's answers."
