"""The « Tableau de bord » in a real browser (Debian's Chromium, headless, through Playwright),
over the demo workspace and a few more candidates at different stages: the coordinatrice opens
it from the page's header, reads the late candidate first, narrows the table with the filters,
and picks a candidate with the keyboard to read their 4 blocs in the conversation; she imports
candidates from a spreadsheet there (a file with mistakes refused line by line, a trial, the
import), an évaluateur is not offered it. Screenshots go to ``tests/artifacts/tableau-de-bord.png``
and ``tests/artifacts/import-candidats.png`` for a person to look at."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, FilePayload, async_playwright, expect

from bot.server import CHAT
from flows.inscription import FicheCandidat, SessionCertification
from flows.store import Store
from tests.web.test_navigateur import ARGS, ARTEFACTS, CHROMIUM, _demo, ouvrir
from tests.web.test_tableau import N_B1, evaluation_de, noter, viser


@pytest.fixture
async def navigateur() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        await browser.close()


async def semer(store: Store, aujourd_hui: date) -> None:
    """Beside the demo's DEMO-001 (B1 created, not scored): C010 Paul Girard, B1 due three days
    ago, Karim 4 critères in; C011 Lina Morel, B1 and B2 visée; C012 Marc Petit, enrolled in
    « Printemps 2027 » (the coordinatrice's), nothing started."""
    quand = datetime.now(UTC) - timedelta(days=1)
    en_retard = evaluation_de(
        "C010", "Paul Girard", "B1", echeance=aujourd_hui - timedelta(days=3), quand=quand
    )
    await store.creer(en_retard, par="claire")
    await noter(store, en_retard, "karim", jusqu_a=4, soumettre=False, quand=quand)
    for bloc in ("B1", "B2"):
        ev = evaluation_de("C011", "Lina Morel", bloc, quand=quand)
        await store.creer(ev, par="claire")
        await noter(store, ev, "karim", quand=quand)
        await noter(store, ev, "lea", quand=quand)
        await viser(store, ev, quand=quand)
    session = SessionCertification(
        nom="Printemps 2027", jury=aujourd_hui + timedelta(days=90), coordinateurs=("claire",),
        horodatage=quand,
    )  # fmt: skip
    fiche = FicheCandidat(
        reference="C012", nom="Petit", prenom="Marc", session=session.nom,
        blocs=("B1", "B2", "B3", "B4"), horodatage=quand,
    )  # fmt: skip
    await store.inscrire(session, [fiche], par="claire")


async def test_the_coordinatrice_reads_the_dashboard_filters_it_and_opens_a_candidate(
    tmp_path: Path, navigateur: Browser
) -> None:
    async with _demo(tmp_path, local=True) as (adresse, app):
        aujourd_hui = datetime.now(UTC).date()
        await semer(app[CHAT].service.store, aujourd_hui)
        claire = await ouvrir(navigateur, adresse, "10-tableau", "Claire Dubois")
        page = claire.page
        erreurs: list[str] = []
        page.on("pageerror", lambda e: erreurs.append(str(e)))
        await page.set_viewport_size({"width": 1280, "height": 900})

        await page.get_by_role("button", name="Tableau de bord").click()
        await expect(page.get_by_role("heading", name="Tableau de bord")).to_be_focused()
        await expect(page.locator("#chat")).to_be_hidden()
        table = page.get_by_role("table", name="Tableau de bord — 4 candidat(s)")
        lignes = table.locator("tbody tr")
        await expect(lignes).to_have_count(4)
        # Late first, then by reference; the lateness said in words, not only in red.
        premiere = lignes.first
        await expect(premiere.get_by_role("rowheader")).to_contain_text("C010 — Paul Girard")
        await expect(premiere.get_by_role("rowheader")).to_contain_text("⚠ en retard")
        echeance = (aujourd_hui - timedelta(days=3)).strftime("%d/%m/%Y")
        b1 = premiere.get_by_role("cell").nth(1)
        await expect(b1).to_have_text(
            f"notation : Karim Haddad 4/{N_B1} ; Léa Martin 0/{N_B1} — "
            f"en retard (échéance {echeance})"
        )
        await expect(b1).to_have_class("cellule etat-notation retard")
        rangs = await table.locator("tbody th[scope=row]").all_inner_texts()
        assert [r.split(" — ")[0] for r in rangs] == ["C010", "C011", "C012", "DEMO-001"]
        lina = lignes.nth(1)
        await expect(lina.get_by_role("cell").nth(1)).to_contain_text(
            "visée par les deux évaluateurs : validé"
        )
        await expect(lina.get_by_role("cell").nth(1)).to_have_css(
            "background-color", "rgb(205, 235, 213)"
        )  # the visée colour, beside the words
        await expect(lina.get_by_role("cell").last).to_have_text("blocs acquis : B1, B2")
        await expect(lignes.nth(2).get_by_role("cell").nth(1)).to_have_text("non commencé")
        await expect(table.get_by_role("columnheader")).to_have_count(7)
        legende = page.get_by_role("region", name="Légende")
        await expect(legende.get_by_role("listitem")).to_have_count(7)  # 6 states, late
        await expect(legende).to_contain_text("rapprochement")
        await expect(legende).to_contain_text("⚠ en retard")
        await expect(legende).not_to_contain_text("pas une évaluation que vous notez")
        ARTEFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=ARTEFACTS / "tableau-de-bord.png", full_page=True)
        await page.set_viewport_size({"width": 390, "height": 844})  # a phone: it scrolls sideways
        await claire.photo("telephone")
        await page.set_viewport_size({"width": 1280, "height": 900})

        # The filters narrow the table: a session, then the late ones only.
        await page.get_by_label("Session", exact=True).select_option("Printemps 2027")
        filtre = page.get_by_role(
            "table", name=re.compile(r"session « Printemps 2027 ».*, 1 candidat\(s\)")
        )
        await expect(filtre.locator("tbody tr")).to_have_count(1)
        await expect(filtre.locator("tbody tr")).to_contain_text("C012 — Marc Petit")
        await page.get_by_role("button", name="Effacer les filtres").click()
        await page.get_by_label("État", exact=True).select_option(label="en retard")
        await expect(
            page.get_by_role("table", name="1 candidat(s)").locator("tbody tr")
        ).to_contain_text("C010 — Paul Girard")
        await page.get_by_label("Évaluateur (identifiant ou nom)").fill("léa")
        await page.get_by_label("État", exact=True).select_option("")
        await expect(page.get_by_role("table", name="3 candidat(s)")).to_be_visible()  # not C012

        # A candidate picked with the keyboard: their 4 blocs in the conversation.
        await page.get_by_role("button", name="Effacer les filtres").click()
        await expect(lignes).to_have_count(4)
        bouton = page.get_by_role("button", name="C011 — Lina Morel : voir ses 4 blocs")
        await bouton.focus()
        await page.keyboard.press("Enter")
        await expect(page.locator("#tableau")).to_be_hidden()
        await expect(page.locator("#fil-prive article.moi").last).to_have_text("candidat C011")
        vue = await claire.attendre("Candidat C011 — Lina Morel")
        await expect(vue).to_contain_text("visée par les deux évaluateurs : validé (ev-C011-B2)")
        await expect(page.get_by_label("Votre message ou une commande")).to_be_focused()
        await claire.photo("candidat")
        assert erreurs == []


FAUTIF = "reference;nom;prenom;blocs\n;Sans référence;Jean;B1\nC502;Roux;Hugo;B7\n"
BON = "reference;nom;prenom;blocs\nC501;Aubert;Nina;B1 B2\nC502;Roux;Hugo;\n"


def fichier(nom: str, contenu: str) -> FilePayload:
    return {"name": nom, "mimeType": "text/csv", "buffer": contenu.encode()}


async def test_the_coordinatrice_imports_candidates_from_the_dashboard(
    tmp_path: Path, navigateur: Browser
) -> None:
    async with _demo(tmp_path, local=True) as (adresse, app):
        store = app[CHAT].service.store
        await semer(store, datetime.now(UTC).date())
        avant = await store.fiches()
        claire = await ouvrir(navigateur, adresse, "11-import", "Claire Dubois")
        page = claire.page
        erreurs: list[str] = []
        page.on("pageerror", lambda e: erreurs.append(str(e)))
        await page.set_viewport_size({"width": 1280, "height": 900})
        await page.get_by_role("button", name="Tableau de bord").click()
        await expect(
            page.get_by_role("table", name="Tableau de bord — 4 candidat(s)")
        ).to_be_visible()

        formulaire = page.get_by_role("form", name="Importer des candidats")
        await expect(formulaire).to_be_visible()
        # The sessions the page knows are offered for the session's name.
        options = page.locator("#import-sessions option")
        await expect(options).to_have_count(1)
        await expect(options).to_have_attribute("value", "Printemps 2027")
        fichier_ = formulaire.get_by_label("Fichier des candidats (.csv ou .xlsx)")
        await expect(fichier_).to_have_attribute("accept", ".csv,.xlsx")
        session = formulaire.get_by_label("Session de certification (créée si elle n'existe pas)")
        jury = formulaire.get_by_label("Date du jury (facultative)")
        essai = formulaire.get_by_label("Vérifier seulement (rien n'est écrit)")
        importer = formulaire.get_by_role("button", name="Importer", exact=True)
        compte_rendu = page.get_by_role("status", name="Compte rendu de l'import")
        refus = page.get_by_role("alert", name="Compte rendu de l'import")

        # A file with mistakes: each one said by line and column, nothing stored.
        await fichier_.set_input_files(fichier("candidats.csv", FAUTIF))
        await session.fill("Automne 2027")
        await importer.click()
        lignes = compte_rendu.get_by_role("listitem")
        await expect(lignes).to_have_count(3)
        await expect(lignes.nth(0)).to_have_text(
            "ligne 2, colonne « reference » : la référence du candidat est vide"
        )
        await expect(lignes.nth(1)).to_contain_text(
            "ligne 3, colonne « blocs » : bloc(s) inconnu(s) : B7"
        )
        await expect(lignes.nth(2)).to_have_text(
            "Rien n'a été importé : 2 problème(s) à corriger dans le fichier, puis relancez."
        )
        await expect(refus).to_be_empty()
        await claire.photo("fautes")
        assert await store.fiches() == avant
        assert [s.nom for s in await store.sessions()] == ["Printemps 2027"]

        # A file the server cannot read (the « accept » is a hint only): a refusal, in an alert.
        await fichier_.set_input_files(fichier("candidats.pdf", "%PDF-1.4"))
        await importer.click()
        await expect(refus.get_by_role("listitem")).to_have_text(
            ["Le fichier doit être un CSV (.csv) ou un classeur Excel (.xlsx)."]
        )
        await expect(compte_rendu).to_be_empty()

        # « Vérifier seulement », ticked and sent with the keyboard: the trial, nothing stored.
        await fichier_.set_input_files(fichier("candidats.csv", BON))
        await essai.focus()
        await page.keyboard.press("Space")
        await expect(essai).to_be_checked()
        await importer.focus()
        await page.keyboard.press("Enter")
        await expect(compte_rendu.get_by_role("listitem")).to_have_text(
            [
                "Essai : 2 candidat(s) seraient inscrits dans la session « Automne 2027 » "
                "(2 nouveau(x), 0 mis à jour). Rien n'a été écrit."
            ]
        )
        await expect(refus).to_be_empty()
        assert await store.fiches() == avant

        # For real, with the jury's date: the report, and the table shows the new candidates.
        await essai.uncheck()
        await jury.fill("2027-10-15")
        await importer.click()
        await expect(compte_rendu.get_by_role("listitem")).to_have_text(
            [
                "2 candidat(s) inscrits dans la session « Automne 2027 » (2 nouveau(x), "
                "0 mis à jour)."
            ]
        )
        table = page.get_by_role("table", name="Tableau de bord — 6 candidat(s)")
        await expect(table).to_be_visible()
        rangs = await table.locator("tbody th[scope=row]").all_inner_texts()
        assert [r.split("\n")[0] for r in rangs] == [
            "C010 — Paul Girard", "C011 — Lina Morel", "C012 — Marc Petit",
            "C501 — Nina Aubert", "C502 — Hugo Roux", "DEMO-001 — Sophie Bernard",
        ]  # fmt: skip
        nina = table.locator("tbody tr").nth(3)
        await expect(nina.get_by_role("cell").first).to_have_text("Automne 2027")
        await expect(nina.get_by_role("cell").nth(1)).to_have_text("non commencé")
        await expect(nina.get_by_role("cell").nth(3)).to_have_text("— (non prévu)")
        # The new session is offered in the filters and for the next import; the form is empty.
        await expect(page.get_by_label("Session", exact=True)).to_contain_text("Automne 2027")
        await expect(options).to_have_count(2)
        await expect(session).to_have_value("")
        fiches = {f.reference: f for f in await store.fiches()}
        assert fiches["C501"].blocs == ("B1", "B2") and len(fiches["C502"].blocs) == 4
        automne = next(s for s in await store.sessions() if s.nom == "Automne 2027")
        assert automne.coordinateurs == ("claire",) and str(automne.jury) == "2027-10-15"
        ARTEFACTS.mkdir(exist_ok=True)
        await page.screenshot(path=ARTEFACTS / "import-candidats.png", full_page=True)
        assert erreurs == []


async def test_an_evaluateur_is_not_offered_the_import(tmp_path: Path, navigateur: Browser) -> None:
    async with _demo(tmp_path, local=True) as (adresse, _):
        karim = await ouvrir(navigateur, adresse, "12-import", "Karim Haddad")
        page = karim.page
        await page.get_by_role("button", name="Tableau de bord").click()
        await expect(
            page.get_by_role("table", name="Tableau de bord — 1 candidat(s)")
        ).to_be_visible()
        await expect(page.locator("#import")).to_be_hidden()
        await expect(page.get_by_role("form", name="Importer des candidats")).to_have_count(0)
