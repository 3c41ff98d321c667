"""Slack's text encoding at the border: typed text read as typed, written text never a ping."""

from __future__ import annotations

import pytest

from bot.slack.mrkdwn import echapper, lire


@pytest.mark.parametrize(
    ("recu", "lu"),
    [
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
        ("voir <@U0AB12|paul> et <#C0123|cqp-resultats>", "voir @paul et #cqp-resultats"),
        ("<https://ex.fr/a?b=1&amp;c=2|la fiche> ou <https://ex.fr>",
         "la fiche (https://ex.fr/a?b=1&c=2) ou https://ex.fr"),
        ("<mailto:a@ex.fr|a@ex.fr> <!channel> <!here>", "a@ex.fr @channel @here"),
        ("&amp;lt; reste tel quel", "&lt; reste tel quel"),
        ("voir <http://ameli.fr|ameli.fr>", "voir ameli.fr"),
    ],
)  # fmt: skip
def test_typed_text_is_read_as_the_person_typed_it(recu: str, lu: str) -> None:
    assert lire(recu) == lu


def test_a_person_mentioned_is_named_when_the_bot_knows_the_name() -> None:
    assert lire("vu avec <@U0AB12>", {"U0AB12": "Paul Roche"}) == "vu avec @Paul Roche"


def test_written_text_can_neither_ping_nor_link_and_reads_back_the_same() -> None:
    nom = "<!channel> Jeanne & <https://piege.example|cliquez>"
    ecrit = echapper(nom)
    assert "<" not in ecrit and ">" not in ecrit
    assert lire(ecrit) == nom
