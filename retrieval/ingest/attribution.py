"""Who gave the speech and at what occasion — only where the document states it, never guessed.

Sources, first found wins: the title and the lines at the top and bottom of the text (an occasion line
"××在……会议上的讲话", a subtitle "——在……大会上的讲话", a byline "市委书记 张三"); then what the file's
properties say (a .docx/.pdf subject or author, an html <meta>), which readers pass in `RawDocument`.
Patterns and the placeholder rule live in `attribution_rules`; values keep the document's own script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.ingest import attribution_rules as R
from retrieval.normalize import fold_for_matching

_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Attribution:
    speaker: str = ""
    occasion: str = ""


def clean_speaker(value: str) -> str:
    """The speaker without an honorific and without placeholders; "" when no real name or role is left."""
    value = R.HONORIFIC.sub("", " ".join(value.split()))
    value = " ".join(R.PLACEHOLDER.sub(" ", value).split()).strip("、· ")
    return value if len(_CJK.findall(value)) >= 2 and len(value) <= R.MAX_SPEAKER_CHARS else ""


def _edge_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) > 2 * R.EDGE_LINES:
        lines = lines[: R.EDGE_LINES] + lines[-R.EDGE_LINES :]
    return [line for line in lines if len(line) <= R.MAX_LINE_CHARS]


def occasion_line(line: str) -> Attribution | None:
    """Speaker and occasion of a line reading "[speaker]在<occasion>上的讲话", else None."""
    folded = fold_for_matching(line)
    match = R.OCCASION_LINE.match(folded) or R.SUBTITLE_LINE.match(folded)
    if match is None:
        return None
    said_by = match.groupdict().get("speaker")
    if said_by and R.NOT_SPEAKER.search(said_by):
        return None
    speaker = clean_speaker(line[match.start("speaker") : match.end("speaker")]) if said_by else ""
    return Attribution(speaker, line[match.start("occasion") : match.end("occasion")].strip())


def byline(line: str) -> str:
    """The speaker of a byline ("市委书记 张三"; a placeholder name leaves the role), else ""."""
    match = R.BYLINE.match(fold_for_matching(line))
    if match is None:
        return ""
    role = line[match.start("role") : match.end("role")]
    name = clean_speaker(line[match.start("name") : match.end("name")])
    return clean_speaker(f"{role} {name}" if name else role)


def property_speaker(author: str) -> str:
    """An author property that names a person or a role, not an account or a publisher."""
    author = " ".join(author.split())
    if author.lower() in R.GENERIC_AUTHORS or not R.NAME_LIKE.match(author):
        return ""
    return "" if R.ORGANISATION.search(fold_for_matching(author)) else clean_speaker(author)


def property_occasion(subject: str) -> str:
    """A subject/description property that states the occasion: 在……上的讲话, or a meeting's bare name."""
    subject = " ".join(subject.split())
    found = occasion_line(subject)
    if found is not None:
        return found.occasion
    return subject if R.MEETING.match(fold_for_matching(subject)) else ""


def find_attribution(title: str, text: str, author: str = "", subject: str = "") -> Attribution:
    """Speaker and occasion from the title and the text's edge lines, then from the file's properties."""
    speaker = occasion = ""
    for line in [title, *_edge_lines(text)]:
        found = occasion_line(line)
        if found is not None:
            occasion = occasion or found.occasion
            speaker = speaker or found.speaker
        elif line != title:
            speaker = speaker or byline(line)
        if speaker and occasion:
            break
    return Attribution(speaker or property_speaker(author), occasion or property_occasion(subject))


def beyond_title(title: str, *values: str) -> tuple[str, ...]:
    """The values a reader would not already see in the title (副市长 in 《副市长在……上的讲话》 is not)."""
    folded = fold_for_matching(title)
    return tuple(v for v in values if v and fold_for_matching(v) not in folded)
