"""Readers for the five HetRec ``.dat`` files (and the optional timestamps file).

Every file is tab-separated with one header line and no quoting at all: artist names such as
``"Weird Al" Yankovic`` contain double quotes that a csv reader with default quoting would
swallow (a naive ``sqlite3 .import`` loses ~1,200 artists that way). Lines are split on
``\\n`` with a trailing ``\\r`` removed, so both line-ending styles read the same.

``tags.dat`` is ISO-8859-1, the other files UTF-8; a line that does not decode is quarantined,
not replaced with U+FFFD.

Each reader returns plain tuples ready for bulk insertion plus `Reject` records; it never
drops a line: ``read == loaded + quarantined`` holds per file (tests check it).
"""

from __future__ import annotations

import calendar
import operator
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat
from pathlib import Path

from server.ingest.report import FileReport, Reject

ARTISTS = "artists.dat"
TAGS = "tags.dat"
USER_ARTISTS = "user_artists.dat"
USER_TAGGED = "user_taggedartists.dat"
USER_FRIENDS = "user_friends.dat"
USER_TAGGED_TIMESTAMPS = "user_taggedartists-timestamps.dat"
REQUIRED_FILES: tuple[str, ...] = (ARTISTS, TAGS, USER_ARTISTS, USER_TAGGED, USER_FRIENDS)

ENCODINGS: dict[str, str] = {TAGS: "iso-8859-1"}
HEADERS: dict[str, tuple[str, ...]] = {
    ARTISTS: ("id", "name", "url", "pictureURL"),
    TAGS: ("tagID", "tagValue"),
    USER_ARTISTS: ("userID", "artistID", "weight"),
    USER_TAGGED: ("userID", "artistID", "tagID", "day", "month", "year"),
    USER_FRIENDS: ("userID", "friendID"),
    USER_TAGGED_TIMESTAMPS: ("userID", "artistID", "tagID", "timestamp"),
}

# Reason codes, stable: they are stored in ingest_rejects and scripts filter on them.
WRONG_COLUMN_COUNT = "wrong_column_count"
NOT_AN_INTEGER = "not_an_integer"
INVALID_ID = "invalid_id"
NEGATIVE_WEIGHT = "negative_weight"
IMPOSSIBLE_DATE = "impossible_date"
EMPTY_VALUE = "empty_value"
DUPLICATE_KEY = "duplicate_key"
DUPLICATE_VALUE = "duplicate_value"
SELF_FRIENDSHIP = "self_friendship"
UNKNOWN_ARTIST = "unknown_artist"
UNKNOWN_TAG = "unknown_tag"
UNDECODABLE = "undecodable_bytes"
NO_MATCHING_ASSIGNMENT = "no_matching_assignment"

MS_PER_SECOND = 1000
# Plausible tag years. The data holds 2005-2011 plus three odd but real-looking outliers
# (1956, 1957, 1979) that are kept as Last.fm recorded them; a year such as 20 or 9999 can
# only be a truncated or corrupt line, so it is quarantined as an impossible date.
MIN_YEAR = 1900
MAX_YEAR = 2100


@dataclass(slots=True)
class ParsedData:
    """Validated rows of every file, keyed the way the loader inserts them."""

    artists: list[tuple[int, str, str | None, str | None]] = field(default_factory=list)
    tags: list[tuple[int, str]] = field(default_factory=list)
    user_artists: list[tuple[int, int, int]] = field(default_factory=list)
    # (userID, artistID, tagID, timestamp, day, month, year)
    tagged: list[tuple[int, int, int, int, int, int, int]] = field(default_factory=list)
    friends: list[tuple[int, int]] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    files: dict[str, FileReport] = field(default_factory=dict)
    has_timestamps: bool = False
    orphans: str = "quarantine"
    known_artists: set[int] = field(default_factory=set)
    known_tags: set[int] = field(default_factory=set)
    # Ids referenced but undefined, kept (policy "stub") as placeholder rows.
    stub_artists: set[int] = field(default_factory=set)
    stub_tags: set[int] = field(default_factory=set)

    def orphan_rejects(self) -> list[Reject]:
        return [r for r in self.rejects if r.reason in (UNKNOWN_ARTIST, UNKNOWN_TAG)]

    def check_artist(self, artist_id: int) -> bool:
        """True when the row may be kept; records a stub under the "stub" policy."""
        if artist_id in self.known_artists:
            return True
        if self.orphans == "stub":
            self.stub_artists.add(artist_id)
            return True
        return False

    def check_tag(self, tag_id: int) -> bool:
        if tag_id in self.known_tags:
            return True
        if self.orphans == "stub":
            self.stub_tags.add(tag_id)
            return True
        return False


def _split_lines(data: bytes) -> list[bytes]:
    chunks = data.split(b"\n")
    if chunks and chunks[-1] == b"":
        chunks.pop()
    return chunks


class _FileReader:
    """One file's lines and bookkeeping: counting and quarantining.

    `texts` decodes the whole file at once (the common case, fast) and only falls back to
    decoding line by line when some line is not valid in the file's encoding.
    """

    def __init__(self, data: ParsedData, path: Path) -> None:
        self.name = path.name
        self.path = path
        self.data = data
        self.report = data.files.setdefault(self.name, FileReport(self.name))
        self.encoding = ENCODINGS.get(self.name, "utf-8")
        raw = path.read_bytes()
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if b"\r" in raw:
            raw = raw.replace(b"\r\n", b"\n")
        self._chunks = _split_lines(raw)
        header = "\t".join(HEADERS.get(self.name, ())).encode()
        # The header is skipped only when it is the expected one: a headerless file loses nothing.
        self._start = 1 if self._chunks and self._chunks[0] == header else 0
        self.report.read += len(self._chunks) - self._start
        try:
            lines: list[str] | None = raw.decode(self.encoding).split("\n")[: len(self._chunks)]
        except UnicodeDecodeError:
            lines = None
        self._lines = lines

    def texts(self) -> Iterable[tuple[int, str]]:
        """``(line_no, text)`` for every decodable data line; undecodable ones are quarantined."""
        if self._lines is not None:
            return enumerate(self._lines[self._start :], self._start + 1)
        return self._texts_slow()

    def _texts_slow(self) -> Iterator[tuple[int, str]]:
        for index in range(self._start, len(self._chunks)):
            try:
                text = self._chunks[index].decode(self.encoding)
            except UnicodeDecodeError as exc:
                bad = self._chunks[index].decode(self.encoding, "backslashreplace")
                self.reject(index + 1, bad, UNDECODABLE, f"not valid {self.encoding}: {exc.reason}")
                continue
            yield index + 1, text

    def fast_columns(self, columns: int) -> list[list[int]] | None:
        """The file as integer columns when every line is well-formed, else None.

        The fast path converts all numbers in one ``map(int, ...)`` over the whole file and
        slices out the columns, all at C speed; any irregularity (a wrong column count, a
        non-integer) sends the caller to the exact line-by-line path, which finds and
        quarantines the culprits.
        """
        if self._lines is None:
            return None
        body = self._lines[self._start :]
        if not body:
            return None
        tab_counts = list(map(str.count, body, repeat("\t", len(body))))
        if min(tab_counts) != columns - 1 or max(tab_counts) != columns - 1:
            return None
        try:
            numbers = list(map(int, "\t".join(body).split("\t")))
        except ValueError:
            return None
        return [numbers[i::columns] for i in range(columns)]

    def line(self, index: int) -> tuple[int, str]:
        """Line number and text of the ``index``-th data row (fast-path rows only)."""
        assert self._lines is not None
        return self._start + index + 1, self._lines[self._start + index]

    def reject(self, line_no: int, raw: str, reason: str, detail: str = "") -> None:
        self.report.quarantined[reason] += 1
        self.data.rejects.append(Reject(self.name, line_no, raw, reason, detail))

    def wrong_columns(self, line_no: int, text: str, expected: int, found: int) -> None:
        self.reject(
            line_no,
            text,
            WRONG_COLUMN_COUNT,
            f"expected {expected} tab-separated columns, found {found}",
        )

    def not_integer(self, line_no: int, text: str) -> None:
        self.reject(line_no, text, NOT_AN_INTEGER, "a numeric column is not an integer")


def read_artists(data: ParsedData, path: Path) -> None:
    reader = _FileReader(data, path)
    seen: set[int] = set()
    for line_no, text in reader.texts():
        parts = text.split("\t")
        if len(parts) != 4:
            reader.wrong_columns(line_no, text, 4, len(parts))
            continue
        raw_id, name, url, picture = parts
        try:
            artist_id = int(raw_id)
        except ValueError:
            reader.not_integer(line_no, text)
            continue
        if artist_id <= 0:
            reader.reject(line_no, text, INVALID_ID, "artist id must be positive")
        elif not name.strip():
            reader.reject(line_no, text, EMPTY_VALUE, "artist name is empty")
        elif artist_id in seen:
            reader.reject(line_no, text, DUPLICATE_KEY, f"artist id {artist_id} seen before")
        else:
            seen.add(artist_id)
            data.artists.append((artist_id, name, url or None, picture or None))
    reader.report.loaded = len(data.artists)
    data.known_artists = seen


def read_tags(data: ParsedData, path: Path) -> None:
    reader = _FileReader(data, path)
    seen: set[int] = set()
    values: set[str] = set()
    for line_no, text in reader.texts():
        parts = text.split("\t")
        if len(parts) != 2:
            reader.wrong_columns(line_no, text, 2, len(parts))
            continue
        raw_id, value = parts
        try:
            tag_id = int(raw_id)
        except ValueError:
            reader.not_integer(line_no, text)
            continue
        if tag_id <= 0:
            reader.reject(line_no, text, INVALID_ID, "tag id must be positive")
        elif not value.strip():
            reader.reject(line_no, text, EMPTY_VALUE, "tag value is empty")
        elif tag_id in seen:
            reader.reject(line_no, text, DUPLICATE_KEY, f"tag id {tag_id} seen before")
        elif value in values:
            reader.reject(line_no, text, DUPLICATE_VALUE, f"tag value {value!r} seen before")
        else:
            seen.add(tag_id)
            values.add(value)
            data.tags.append((tag_id, value))
    reader.report.loaded = len(data.tags)
    data.known_tags = seen


def read_user_artists(data: ParsedData, path: Path) -> None:
    reader = _FileReader(data, path)
    columns = reader.fast_columns(3)
    if columns:
        users, artists, weights = columns
        if (
            min(users) > 0
            and min(artists) > 0
            and min(weights) >= 0
            and data.known_artists.issuperset(artists)
            and len(set(zip(users, artists, strict=True))) == len(users)
        ):
            data.user_artists = list(zip(users, artists, weights, strict=True))
            reader.report.loaded = len(users)
            return
    seen: set[tuple[int, int]] = set()
    rows = data.user_artists
    known_artists = data.known_artists
    for line_no, text in reader.texts():
        parts = text.split("\t")
        if len(parts) != 3:
            reader.wrong_columns(line_no, text, 3, len(parts))
            continue
        try:
            user_id, artist_id, weight = map(int, parts)
        except ValueError:
            reader.not_integer(line_no, text)
            continue
        if user_id <= 0 or artist_id <= 0:
            reader.reject(line_no, text, INVALID_ID, "ids must be positive")
        elif weight < 0:
            reader.reject(line_no, text, NEGATIVE_WEIGHT, f"weight {weight} < 0")
        elif artist_id not in known_artists and not data.check_artist(artist_id):
            reader.reject(line_no, text, UNKNOWN_ARTIST, f"artist {artist_id} not in {ARTISTS}")
        elif (user_id, artist_id) in seen:
            reader.reject(
                line_no, text, DUPLICATE_KEY, f"user {user_id} / artist {artist_id} seen before"
            )
        else:
            seen.add((user_id, artist_id))
            rows.append((user_id, artist_id, weight))
    reader.report.loaded = len(rows)


_midnights: dict[tuple[int, int, int], int | None] = {}


def utc_midnight_ms(year: int, month: int, day: int) -> int | None:
    """UTC midnight of a calendar date in Unix milliseconds, or None for an impossible date.

    The dataset only records the day of a tag assignment; without the timestamps file this is
    the value stored in ``user_taggedartists.timestamp``. Cached: the data has a few thousand
    distinct dates for 186k rows.
    """
    key = (year, month, day)
    if key not in _midnights:
        if not (1 <= month <= 12 and MIN_YEAR <= year <= MAX_YEAR) or not (
            1 <= day <= calendar.monthrange(year, month)[1]
        ):
            _midnights[key] = None
        else:
            _midnights[key] = calendar.timegm((year, month, day, 0, 0, 0)) * MS_PER_SECOND
    return _midnights[key]


Stamps = dict[tuple[int, int, int], tuple[int, int, str]]


def read_timestamps(data: ParsedData, path: Path) -> Stamps:
    """(userID, artistID, tagID) -> (timestamp ms, line_no, raw line) from the optional file."""
    reader = _FileReader(data, path)
    stamps: Stamps = {}
    for line_no, text in reader.texts():
        parts = text.split("\t")
        if len(parts) != 4:
            reader.wrong_columns(line_no, text, 4, len(parts))
            continue
        try:
            user_id, artist_id, tag_id, stamp = map(int, parts)
        except ValueError:
            reader.not_integer(line_no, text)
            continue
        key = (user_id, artist_id, tag_id)
        if min(user_id, artist_id, tag_id) <= 0:
            reader.reject(line_no, text, INVALID_ID, "ids must be positive")
        elif key in stamps:
            reader.reject(line_no, text, DUPLICATE_KEY, "assignment timestamped twice")
        else:
            stamps[key] = (stamp, line_no, text)
    data.has_timestamps = True
    return stamps


def read_tagged(data: ParsedData, path: Path, stamps: Stamps | None) -> None:
    reader = _FileReader(data, path)
    if stamps is None and _read_tagged_fast(data, reader):
        return
    seen: set[tuple[int, int, int, int]] = set()
    rows = data.tagged
    known_artists, known_tags = data.known_artists, data.known_tags
    midnights = _midnights
    for line_no, text in reader.texts():
        parts = text.split("\t")
        if len(parts) != 6:
            reader.wrong_columns(line_no, text, 6, len(parts))
            continue
        try:
            user_id, artist_id, tag_id, day, month, year = map(int, parts)
        except ValueError:
            reader.not_integer(line_no, text)
            continue
        if user_id <= 0 or artist_id <= 0 or tag_id <= 0:
            reader.reject(line_no, text, INVALID_ID, "ids must be positive")
            continue
        if artist_id not in known_artists and not data.check_artist(artist_id):
            reader.reject(line_no, text, UNKNOWN_ARTIST, f"artist {artist_id} not in {ARTISTS}")
            continue
        if tag_id not in known_tags and not data.check_tag(tag_id):
            reader.reject(line_no, text, UNKNOWN_TAG, f"tag {tag_id} not in {TAGS}")
            continue
        stamp = midnights.get((year, month, day)) or utc_midnight_ms(year, month, day)
        if stamp is None:
            reader.reject(line_no, text, IMPOSSIBLE_DATE, f"{year:04d}-{month:02d}-{day:02d}")
            continue
        if stamps is not None:
            found = stamps.pop((user_id, artist_id, tag_id), None)
            if found is not None:
                stamp = found[0]
        key = (user_id, artist_id, tag_id, stamp)
        if key in seen:
            reader.reject(line_no, text, DUPLICATE_KEY, "same assignment at the same time")
            continue
        seen.add(key)
        rows.append((user_id, artist_id, tag_id, stamp, day, month, year))
    reader.report.loaded = len(rows)
    if stamps is not None:
        ts_report = data.files[USER_TAGGED_TIMESTAMPS]
        ts_report.loaded = ts_report.read - ts_report.quarantined_total - len(stamps)
        for _stamp, line_no, raw in sorted(stamps.values(), key=lambda value: value[1]):
            ts_report.quarantined[NO_MATCHING_ASSIGNMENT] += 1
            data.rejects.append(
                Reject(
                    USER_TAGGED_TIMESTAMPS,
                    line_no,
                    raw,
                    NO_MATCHING_ASSIGNMENT,
                    f"no such row in {USER_TAGGED}",
                )
            )


def _read_tagged_fast(data: ParsedData, reader: _FileReader) -> bool:
    """Column-wise validation of a well-formed file; False means "use the exact path".

    Orphan artists/tags are the one irregularity the real data has (1,538 rows), so they are
    handled here rather than by falling back.
    """
    columns = reader.fast_columns(6)
    if not columns:
        return False
    users, artists, tags, days, months, years = columns
    if min(users) <= 0 or min(artists) <= 0 or min(tags) <= 0:
        return False
    dates = set(zip(years, months, days, strict=True))
    if any(utc_midnight_ms(*date) is None for date in dates):
        return False
    stamps = list(map(_midnights.__getitem__, zip(years, months, days, strict=True)))
    full = list(zip(users, artists, tags, stamps, days, months, years, strict=True))
    # Without a timestamps file the stamp is a function of (day, month, year), so whole-row
    # uniqueness is key uniqueness; this avoids building a second set of key tuples.
    if len(set(full)) != len(full):
        return False
    bad_artists = set(artists) - data.known_artists
    bad_tags = set(tags) - data.known_tags
    if data.orphans == "stub":
        data.stub_artists |= bad_artists
        data.stub_tags |= bad_tags
        bad_artists, bad_tags = set(), set()
    if bad_artists or bad_tags:
        orphan = list(
            map(
                operator.or_,
                map(bad_artists.__contains__, artists),
                map(bad_tags.__contains__, tags),
            )
        )
        for index in compress(range(len(full)), orphan):
            line_no, text = reader.line(index)
            row = full[index]
            if row[1] in bad_artists:
                reader.reject(line_no, text, UNKNOWN_ARTIST, f"artist {row[1]} not in {ARTISTS}")
            else:
                reader.reject(line_no, text, UNKNOWN_TAG, f"tag {row[2]} not in {TAGS}")
        full = list(compress(full, map(operator.not_, orphan)))
    data.tagged = full
    reader.report.loaded = len(full)
    return True


def read_friends(data: ParsedData, path: Path) -> None:
    reader = _FileReader(data, path)
    columns = reader.fast_columns(2)
    if columns:
        users, friends = columns
        rows = list(zip(users, friends, strict=True))
        if (
            min(users) > 0
            and min(friends) > 0
            and not any(map(operator.eq, users, friends))
            and len(set(rows)) == len(rows)
        ):
            data.friends = rows
            reader.report.loaded = len(rows)
            return
    seen: set[tuple[int, int]] = set()
    rows = data.friends
    for line_no, text in reader.texts():
        parts = text.split("\t")
        if len(parts) != 2:
            reader.wrong_columns(line_no, text, 2, len(parts))
            continue
        try:
            user_id, friend_id = map(int, parts)
        except ValueError:
            reader.not_integer(line_no, text)
            continue
        if user_id <= 0 or friend_id <= 0:
            reader.reject(line_no, text, INVALID_ID, "ids must be positive")
        elif user_id == friend_id:
            reader.reject(line_no, text, SELF_FRIENDSHIP, f"user {user_id} befriends itself")
        elif (user_id, friend_id) in seen:
            reader.reject(line_no, text, DUPLICATE_KEY, "friendship listed twice")
        else:
            seen.add((user_id, friend_id))
            rows.append((user_id, friend_id))
    reader.report.loaded = len(rows)


def read_all(data_dir: Path, *, orphans: str = "quarantine") -> ParsedData:
    """Parse and validate every file, foreign keys included; touches no database.

    ``orphans`` decides the fate of rows naming an artist or tag id that the reference file
    lacks: "quarantine" (and "fail", whose caller aborts when any exist) rejects them, "stub"
    keeps them and records the ids for placeholder rows.
    """
    data = ParsedData(orphans=orphans)
    read_artists(data, data_dir / ARTISTS)
    read_tags(data, data_dir / TAGS)
    read_user_artists(data, data_dir / USER_ARTISTS)
    stamps_path = data_dir / USER_TAGGED_TIMESTAMPS
    stamps = read_timestamps(data, stamps_path) if stamps_path.exists() else None
    read_tagged(data, data_dir / USER_TAGGED, stamps)
    read_friends(data, data_dir / USER_FRIENDS)
    return data
