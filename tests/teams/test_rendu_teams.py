"""Every card the bot sends in Teams, read by Microsoft's own Adaptive Cards renderer.

The whole bloc 1 scenario runs against the fake Bot Connector; each distinct card
it received is then parsed, validated and rendered, in headless Chromium, by the
``adaptivecards`` package Teams' web and desktop clients build on (fetched from
the npm registry by ``make test``: ``.ci/adaptivecards.py``). A card the renderer
cannot parse, an element or property it does not know, or a text that does not
come out as typed fails the test.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from playwright.async_api import async_playwright

from tests.teams.outils import teams
from tests.teams.test_scenario_teams import derouler
from tests.web.test_navigateur import ARGS, CHROMIUM

RENDU = Path(sys.prefix) / "share" / "adaptivecards-3.0.6" / "adaptivecards.min.js"
PERMIS = {
    # Teams' people picker is a choice set whose choices come from a query, with none of its
    # own — as Microsoft documents it; the generic renderer, which has no directory to query,
    # says so. Nothing else may be reported.
    "An Input.ChoiceSet must have at least one choice defined.",
}

LIRE = """(carte) => {
  const card = new AdaptiveCards.AdaptiveCard();
  const contexte = new AdaptiveCards.SerializationContext();
  card.parse(carte, contexte);
  const evenements = [];
  for (let i = 0; i < contexte.eventCount; i++) evenements.push(contexte.getEventAt(i).message);
  const validation = card.validateProperties();
  for (const e of validation.validationEvents) evenements.push(e.message);
  const rendu = card.render();
  document.body.replaceChildren(rendu);
  return {
    evenements: evenements,
    texte: rendu.innerText,
    gras: rendu.querySelectorAll("strong, b, a").length,
    boutons: Array.from(rendu.querySelectorAll("button")).map((b) => b.innerText.trim()),
    champs: rendu.querySelectorAll("input, textarea, select").length,
  };
}"""


def _runs(noeud: Any) -> list[str]:
    """The texts of the card's text runs, in order."""
    if isinstance(noeud, dict):
        propres = [str(noeud["text"])] if noeud.get("type") == "TextRun" else []
        return propres + [t for v in noeud.values() for t in _runs(v)]
    if isinstance(noeud, list):
        return [t for v in noeud for t in _runs(v)]
    return []


def _normal(texte: str) -> str:
    return " ".join(texte.split())


async def test_every_card_of_a_whole_evaluation_renders_as_sent(tmp_path: Path) -> None:
    assert RENDU.is_file(), f"{RENDU} manque : lancez « make test » (il le télécharge)."
    async with teams(tmp_path) as t:
        await derouler(t)
        cartes: dict[str, dict[str, Any]] = {}
        for appel in t.faux.appels:
            for carte in appel.cartes:
                cartes.setdefault(json.dumps(carte, sort_keys=True), carte)
    assert len(cartes) > 20  # questions, forms, lists, proposals, the result, the dashboard…
    assert any(r.startswith("Tableau de bord") for c in cartes.values() for r in _runs(c)[:1])
    async with async_playwright() as p:
        navigateur = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = await navigateur.new_page()
            await page.set_content("<!doctype html><html><body></body></html>")
            await page.add_script_tag(path=str(RENDU))
            vus_en_markdown = 0
            for carte in cartes.values():
                lu = await page.evaluate(LIRE, carte)
                assert set(lu["evenements"]) <= PERMIS, (lu["evenements"], carte)
                assert lu["gras"] == 0  # no text became bold or a link
                rendu = _normal(lu["texte"])
                for texte in _runs(carte):
                    assert _normal(texte) in rendu, (texte, rendu[:300])
                    vus_en_markdown += "**Vu**" in texte
                titres = [a["title"] for a in _actions(carte) if a.get("type") == "Action.Submit"]
                assert [b for b in lu["boutons"] if b] == titres
                entrees = [e for e in _elements(carte) if str(e.get("type")).startswith("Input.")]
                assert lu["champs"] >= len(entrees)
            # A comment typed with Markdown (« **Vu** à l'entretien 2 ») came out as typed.
            assert vus_en_markdown > 0
        finally:
            await navigateur.close()


def _actions(noeud: Any) -> list[dict[str, Any]]:
    if isinstance(noeud, dict):
        propres = [noeud] if str(noeud.get("type", "")).startswith("Action.") else []
        return propres + [a for v in noeud.values() for a in _actions(v)]
    if isinstance(noeud, list):
        return [a for v in noeud for a in _actions(v)]
    return []


def _elements(noeud: Any) -> list[dict[str, Any]]:
    if isinstance(noeud, dict):
        return [noeud] + [e for v in noeud.values() for e in _elements(v)]
    if isinstance(noeud, list):
        return [e for v in noeud for e in _elements(v)]
    return []
