"""Who leads a plan row and who works with them, read from one cell that names both: the "Cơ quan, đơn
vị thực hiện" column, or a lead column whose cell also says who "phối hợp". Pure standard library.

    >>> split_executor("Văn phòng chủ trì, Công an xã phối hợp")
    ('Văn phòng', 'Công an xã')

The rules, as a person reads such a cell:

1. Role words: "chủ trì" (lead) and "phối hợp" (partners), in any case, also in brackets
   ("X (chủ trì)"). Inside a description they are not role words: after "nhiệm vụ", "trách nhiệm",
   "vai trò", "sự", "việc", "để", "công tác", "quy chế", "cơ chế" ("Các công chức được giao nhiệm vụ
   chủ trì rà soát …"). A cell without role words is all lead, exactly as written: its commas, lines
   and list marks stay (nothing says where one name ends).
2. The cell is cut into items at ";", line breaks and a full stop before a capital ("Chủ trì: X.
   Phối hợp: Y.") — strong cuts — and at "," or a "-", "–", "+", "•" between spaces — weak cuts.
   " và " does not cut: it is inside names ("Phòng Tài nguyên và Môi trường") and actions ("xử lý và
   trả kết quả"). A "-", "–", "+", "•", "1.", "a)" opening a line or an item is a list mark.
3. A role word names who stands on its left in its item ("X chủ trì", "Y phối hợp xử lý hồ sơ",
   "X (chủ trì)"), except:
   - "phối hợp với / cùng Y", and a role word with nothing but a label ("Cơ quan", "Đơn vị", "Bộ phận",
     "Công chức" …) before it and a ":" or names after it: it names who follows ("Chủ trì: X",
     "Đơn vị phối hợp: Y", "X chủ trì, phối hợp với Y", "X chủ trì, phối hợp Y", "Chủ trì thực hiện: X");
   - with nothing after it either ("Phối hợp:" over a list), it is a heading: the items that follow,
     on any line, take its role until the next role word.
4. The partners are names, not what they do: the rest of an item after a role word that names its
   left is an action, left out ("X chủ trì thực hiện", "Y phối hợp xử lý hồ sơ và trả kết quả" → X, Y).
   So is an item that starts with an action word ("thực hiện", "tham mưu", "báo cáo", "xử lý" …) and
   has no role word, and an item right after such an action (weak cuts only) that no role word
   takes ("Y phối hợp xử lý hồ sơ, trả kết quả").
5. Items without a role word:
   - right after "Chủ trì: X" / "Phối hợp: Y" (weak cuts) they take its role ("Phối hợp: Y, Z");
   - right before "… chủ trì" / "… phối hợp" (weak cuts) they take its role ("X chủ trì, Y, Z phối
     hợp" → partners "Y, Z"), unless the first case gave them a role already;
   - after "Chủ trì: X" across a strong cut they keep its role unless the next role word takes them;
   - otherwise: before any role, lead ("X; Y phối hợp"); after one, partners ("X chủ trì; Công an xã"),
     or lead when the cell is the lead column's.
   "X, Y phối hợp" with no lead named reads as "X [chủ trì], Y phối hợp": the first name before a
   comma leads (not a bare label: "Tổ chức, cá nhân phối hợp" stays partners).
6. The names keep their own text and the cuts between them ("Y, Z", "Y và Z"); a cell written on
   several lines keeps its lines. A line's list mark, the punctuation at its ends and a stray bracket
   are dropped. Separate runs of one role ("Y phối hợp; Z phối hợp") are joined with "; ", or with a
   line break in a multi-line cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

LEAD, PARTNERS = "lead", "partners"
# A cell cut into more items than this is not read for roles (real cells have a few; reading costs a few
# microseconds an item, and a file may hold 2,000 cells of 10,000 characters).
MAX_CUTS = 80

_ROLE_RE = re.compile(r"(?<!\w)(?P<open>\(\s*)?(?P<word>chủ\s+trì|phối\s+hợp)(?P<close>\s*\))?(?!\w)", re.I)
# A role word inside a description is not a role ("được giao nhiệm vụ chủ trì rà soát …").
_NOT_A_ROLE_RE = re.compile(
    r"(?:\b(?:nhiệm\s+vụ|trách\s+nhiệm|vai\s+trò|sự|việc|để|công\s+tác|quy\s+chế|cơ\s+chế))\s*$", re.I
)
_LABEL_RE = re.compile(
    r"^\s*(?:(?:các\s+)?(?:cơ\s+quan|đơn\s+vị|bộ\s+phận|tổ\s+chức|cá\s+nhân|người|cán\s+bộ|công\s+chức|thành\s+phần)"
    r"(?:\s+thực\s+hiện)?[\s,/]*)+$",
    re.I,
)
# What may stand between "Chủ trì" / "Phối hợp" and the names it introduces.
_CONNECTOR_RE = re.compile(r"\s*(?:[:\-–]\s*)?(?:(?:cùng\s+)?với\b|cùng\b|thực\s+hiện\b)?\s*[:\-–]?\s*", re.I)
_WITH_RE = re.compile(r"\s*(?:cùng\s+)?(?:với|cùng)\b", re.I)
_ACTION_RE = re.compile(
    r"^\s*(?:thực\s+hiện|tham\s+mưu|báo\s+cáo|triển\s+khai|hướng\s+dẫn|theo\s+dõi|tổng\s+hợp|xử\s+lý|kiểm\s+tra"
    r"|đôn\s+đốc|giúp|trình|tiếp\s+nhận|giải\s+quyết|rà\s+soát|cập\s+nhật|tuyên\s+truyền|trả|đề\s+xuất"
    r"|ban\s+hành)\b",
    re.I,
)
_LIST_MARK_RE = re.compile(r"(?m)^[ \t]*(?:[-–—+•*]|\d{1,2}[.)](?=[ \t])|[a-zđ]\)(?=[ \t]))[ \t]*")
# Cuts between items: strong (";", a line break, a full stop before a word) or weak ("," or a mark between
# spaces). No leading or trailing \s* here: the items' spaces are trimmed later (and a long run of spaces
# costs no backtracking).
_CUT_RE = re.compile(r"(?P<strong>[;\n]|\.(?=\s+(?P<next>[^\W\d_])))|(?P<weak>,|(?<=\s)[-–—+•](?=\s)|•)")
_END_PUNCTUATION = " \t\n,;:.–—-+•*"


@dataclass
class _Piece:
    """A run of the cell that names people, or is to be assigned: a span of the cleaned text."""

    start: int
    end: int
    role: str | None  # LEAD, PARTNERS, or None while unassigned
    how: str  # "left" (names before a role word), "right" (after it), "heading", "plain" (no role word)
    cut: str  # the cut before it: "start", "strong", "comma", "mark" (weak cuts), "inner" (inside one item)
    action_after: bool = False  # "left" piece: its role word is followed by what they do
    firm: bool = False  # "plain" piece continuing a "right" one without a strong cut
    after_action: bool = False  # "plain" piece right after a role word and its action, weakly cut
    claimed: bool = False  # "plain" piece taken by the "left" role word after it
    words: str = ""  # its text, tidied (rule 6)


def has_role_words(text: str, *, role: str | None = None) -> bool:
    """Whether the cell names a role ("chủ trì" / "phối hợp", rule 1); with `role`, that role."""
    wanted = {None: (LEAD, PARTNERS), LEAD: (LEAD,), PARTNERS: (PARTNERS,)}[role]
    return any(_role_of(match) in wanted for match in _role_words(text or "", 0, len(text or "")))


def splits(text: str) -> bool:
    """Whether `split_executor` reads roles in the cell: it has role words and at most MAX_CUTS cuts."""
    return has_role_words(text) and sum(1 for _ in islice(_CUT_RE.finditer(text), MAX_CUTS + 1)) <= MAX_CUTS


def split_executor(text: str, *, rest: str = PARTNERS) -> tuple[str, str]:
    """(lead, partners) from a cell that may name both; the rules are the module's docstring. A cell
    without role words (or too long to read, see `splits`) is all lead, as written. `rest`: the role of
    names after a role that no role word gives one (rule 5): partners in a combined cell, lead in a cell
    of the lead column."""
    text = text or ""
    if not splits(text):
        return text.strip(), ""
    cleaned = _LIST_MARK_RE.sub("", text.strip())
    pieces = _pieces(cleaned)
    for piece in pieces:
        piece.words = _tidy(cleaned[piece.start : piece.end])
    _assign(pieces, rest)
    multiline = "\n" in cleaned.strip()
    return _names(cleaned, pieces, LEAD, multiline), _names(cleaned, pieces, PARTNERS, multiline)


# -- reading ----------------------------------------------------------------------------------------


def _role_words(text: str, start: int, end: int) -> Iterator[re.Match[str]]:
    for match in _ROLE_RE.finditer(text, start, end):
        if not _NOT_A_ROLE_RE.search(text[max(start, match.start() - 20) : match.start()]):
            yield match


def _role_of(match: re.Match[str]) -> str:
    return LEAD if match.group("word").casefold().startswith("chủ") else PARTNERS


def _items(text: str) -> list[tuple[int, int, str]]:
    """(start, end, cut before it) for each non-empty item between cuts (rule 2); the strongest cut
    before an item counts when several come together (";\n- ")."""
    items, position, cut = [], 0, "start"
    for match in _CUT_RE.finditer(text):
        if match.group("next") and not match.group("next").isupper():
            continue  # a full stop before a lower-case word ("v.v. các ngành")
        found = "strong" if match.group("strong") else ("comma" if match.group("weak") == "," else "mark")
        if text[position : match.start()].strip(_END_PUNCTUATION):
            items.append((position, match.start(), cut))
            cut = found
        elif cut != "start" and _STRENGTH[found] > _STRENGTH[cut]:
            cut = found
        position = match.end()
    if text[position:].strip(_END_PUNCTUATION):
        items.append((position, len(text), cut))
    return items


_STRENGTH = {"start": 3, "strong": 2, "comma": 1, "mark": 1, "inner": 0}


def _names_on_left(match: re.Match[str], before: str, after: str) -> bool:
    """Rule 3: whether a role word names who is on its left (else who follows it)."""
    if match.group("open") or match.group("close"):
        return True
    if _role_of(match) == PARTNERS and _WITH_RE.match(after):
        return False
    if not before.strip(_END_PUNCTUATION):
        return False
    if _LABEL_RE.match(before):  # "Đơn vị chủ trì: X", but "Các công chức phối hợp" names them
        rest = after[_past_connector(after, 0, len(after)) :]
        return not (after.lstrip().startswith(":") or rest.strip(_END_PUNCTUATION))
    return True


def _past_connector(text: str, start: int, end: int) -> int:
    """Where the names after "Chủ trì" / "Phối hợp" start: past ":", "với", "cùng", "thực hiện"."""
    match = _CONNECTOR_RE.match(text, start, end)
    return match.end() if match else start


def _pieces(text: str) -> list[_Piece]:
    """Each item's pieces: the names each role word gives, and the items without one."""
    pieces = []
    for start, end, cut in _items(text):
        words = list(_role_words(text, start, end))
        if not words:
            pieces.append(_Piece(start, end, None, "plain", cut))
            continue
        ends = [word.start() for word in words[1:]] + [end]
        afters = [text[word.end() : stop] for word, stop in zip(words, ends, strict=True)]
        position = start
        for index, match in enumerate(words):
            last = index + 1 == len(words)
            following, before, after = ends[index], text[position : match.start()], afters[index]
            # The text up to the next role word is that word's when it names its left.
            next_takes_after = not last and _names_on_left(words[index + 1], after, afters[index + 1])
            role, piece_cut = _role_of(match), (cut if position == start else "inner")
            if _names_on_left(match, before, after):
                action = not next_takes_after and bool(after.strip(_END_PUNCTUATION + "()"))
                pieces.append(_Piece(position, match.start(), role, "left", piece_cut, action_after=action))
                position = match.end() if next_takes_after else following
                continue
            if before.strip(_END_PUNCTUATION) and not _LABEL_RE.match(before):  # "X phối hợp với Y": X
                pieces.append(_Piece(position, match.start(), None, "plain", piece_cut))
                piece_cut = "inner"
            if next_takes_after:
                pieces.append(_Piece(match.end(), match.end(), role, "heading", piece_cut))
                position = match.end()
                continue
            names = _past_connector(text, match.end(), following)
            how = "right" if text[names:following].strip(_END_PUNCTUATION) else "heading"
            pieces.append(_Piece(names, following, role, how, piece_cut))
            position = following
    return pieces


def _assign(pieces: list[_Piece], rest: str) -> None:
    """Rules 4 and 5: give the pieces without a role word theirs, or leave them out (role None)."""
    current = None  # the "right" or "heading" piece whose role the following plain items take
    crossed = False  # a strong cut since `current`
    after_action = False  # right after a role word followed by an action, with weak cuts only
    for index, piece in enumerate(pieces):
        if piece.cut in ("strong", "start"):
            crossed, after_action = True, False
        if piece.how == "plain":
            if current is not None:
                piece.role = current.role
                piece.firm = current.how == "heading" or not crossed
            else:
                piece.after_action = after_action
            continue
        if piece.how in ("right", "heading"):
            current, crossed, after_action = piece, False, False
            continue
        back = index  # a "left" role word takes the unassigned items before it, back to a strong cut
        while back > 0 and pieces[back].cut in ("comma", "mark"):
            earlier = pieces[back - 1]
            if earlier.how != "plain" or earlier.firm or _ACTION_RE.match(earlier.words):
                break
            earlier.role, earlier.claimed = piece.role, True
            back -= 1
        current, crossed, after_action = None, False, piece.action_after

    seen_role = False
    for piece in pieces:
        if piece.how != "plain":
            seen_role = True
            continue
        words = piece.words
        if _ACTION_RE.match(words) or (piece.role is None and (piece.after_action or _LABEL_RE.match(words))):
            piece.role = None  # what they do, or a bare label: not a name
        elif piece.role is None:
            piece.role = rest if seen_role else LEAD

    named = [piece for piece in pieces if piece.role and piece.words]
    if (
        named
        and not any(piece.role == LEAD for piece in named)
        and named[0].claimed
        and not _LABEL_RE.match(named[0].words)
        and len(named) > 1
        and named[1].cut == "comma"
    ):
        named[0].role = LEAD  # "X, Y phối hợp": the first name is the lead


# -- writing ----------------------------------------------------------------------------------------


def _tidy(text: str) -> str:
    """Rule 6: each line without its list mark, end punctuation and stray brackets; empty lines dropped."""
    lines = []
    for line in text.split("\n"):
        line = _LIST_MARK_RE.sub("", line).strip(_END_PUNCTUATION)
        if line.endswith("(") or (line.count(")") > line.count("(") and line.endswith(")")):
            line = line[:-1].rstrip(_END_PUNCTUATION)
        if line.startswith(")"):
            line = line[1:].lstrip(_END_PUNCTUATION)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _names(text: str, pieces: list[_Piece], role: str, multiline: bool) -> str:
    """The text of one role's pieces: a run of them reads as written, from its first name to its last
    (a role word ends a run on its left and starts one on its right)."""
    runs: list[list[int]] = []  # [start, end] of each run in the text
    last_how = None  # how the run's last piece was read; None when no run is open
    for piece in pieces:
        if piece.role != role or not piece.words:
            last_how = None
            continue
        if last_how in ("plain", "right") and piece.how in ("plain", "left"):
            runs[-1][1] = piece.end
        else:
            runs.append([piece.start, piece.end])
        last_how = piece.how
    names = [_tidy(text[start:end]) for start, end in runs]
    return ("\n" if multiline else "; ").join(name for name in names if name)
