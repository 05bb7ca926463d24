"""The cache's own folder, and what makes it safe to trust (docs/security.md): a cache
directory no other user can change, a folder of this user's with mode 0700 that is not a
symbolic link and carries esgcmp's ``CACHEDIR.TAG``, files read only when regular and made
only when new."""

from __future__ import annotations

import os
import stat
from pathlib import Path

TAG_NAME = "CACHEDIR.TAG"  # https://bford.info/cachedir/: backup tools skip the folder
TAG = (b"Signature: 8a477f597d28d172789f06886806bc55\n"
       b"# This folder is esgcmp's cache; esgcmp removes only what it wrote here.\n")


class Unusable(Exception):
    """The cache's folder cannot be trusted or used; the message says why."""


def safe_above(root: Path) -> None:
    """Refuse a cache directory in which another user could swap the cache's folder for
    one of their own between esgcmp's look at it and its use of it (as git refuses a
    repository another user owns): the directory and every folder above it must belong
    to this user or to root, and no one else may change them, unless, as /tmp, only a
    file's owner may rename or remove it there (the sticky bit)."""
    if os.name != "posix":
        return
    me = os.geteuid()
    for above in folders_above(os.path.abspath(root)):  # a link on the way: its owner's
        link = os.lstat(above)
        if stat.S_ISLNK(link.st_mode) and link.st_uid not in (me, 0):
            raise Unusable(f"{above} is a symbolic link of another user, who could point it "
                           "elsewhere; give ESGCMP_CACHE_DIR a folder of your own")
    for above in folders_above(os.path.realpath(root)):
        info = os.stat(above)
        if info.st_uid not in (me, 0):
            raise Unusable(f"{above} belongs to another user, who could swap the cache's "
                           "folder for one of their own; give ESGCMP_CACHE_DIR a folder of "
                           "your own")
        open_to = info.st_mode & (0o002 if info.st_gid == os.getegid() else 0o022)
        if open_to and not info.st_mode & stat.S_ISVTX:
            raise Unusable(f"others may change {above} (mode {stat.S_IMODE(info.st_mode):o}) "
                           "and could swap the cache's folder for one of their own; give "
                           "ESGCMP_CACHE_DIR a folder only you can change")


def folders_above(path: str) -> list[str]:
    """The folder and every folder above it, up to the root."""
    found = [path]
    while (parent := os.path.dirname(found[-1])) != found[-1]:
        found.append(parent)
    return found


def trusted_folder(info: os.stat_result) -> None:
    """Refuse a cache folder that another user could have made or can change."""
    if stat.S_ISLNK(info.st_mode):
        raise Unusable("it is a symbolic link")
    if not stat.S_ISDIR(info.st_mode):
        raise Unusable("it is not a folder")
    if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
        raise Unusable("it belongs to another user")
    if os.name == "posix" and info.st_mode & 0o077:
        raise Unusable(f"others may read or change it (mode {stat.S_IMODE(info.st_mode):o}; "
                       "esgcmp makes it 700)")


def read_regular(path: Path, limit: int) -> bytes | None:
    """A regular file's bytes (no symbolic link, folder, pipe or device; at most
    ``limit``), or None."""
    flags = (os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
             | getattr(os, "O_CLOEXEC", 0))
    try:
        handle = os.open(path, flags)
    except OSError:
        return None
    try:  # what the handle is, before a stream is made of it (a folder makes none)
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            os.close(handle)
            return None
    except OSError:
        os.close(handle)
        return None
    with os.fdopen(handle, "rb") as stream:
        try:
            data = stream.read(limit + 1)
        except OSError:
            return None
    return data if len(data) <= limit else None


def create_exclusive(path: Path, data: bytes) -> None:
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                     0o600)
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
