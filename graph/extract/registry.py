"""Mention rules: small plain functions `Doc → mentions`, each one kind of evidence for a name.

A component (`meetings.meetings`, `dates.dates`, …) names its rules in a `RULES` tuple, in the
order they run, and finds what they find in that order: `resolve` breaks ties between equal
spans of one component by that order, so a rule moved is an output changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from speechkg.graph.model import Doc, Mention

MentionRule = Callable[[Doc], Iterable[Mention]]


def run(rules: Iterable[MentionRule], doc: Doc) -> list[Mention]:
    """The mentions the rules find in the document, rule by rule in order."""
    return [m for rule in rules for m in rule(doc)]
