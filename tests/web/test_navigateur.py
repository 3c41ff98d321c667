"""The web chat in a real browser: Debian's Chromium, headless, driven by Playwright.

Three people, three browser contexts (separate cookies, like three
machines): the coordinatrice of the demo workspace, and the two évaluateurs
who score bloc 1 to the end, disagree on two critères, reconcile them, give
their visas; the coordinatrice then reads the posted result. A screenshot of
each step goes to ``tests/artifacts/`` for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiohttp import web
from playwright.async_api import Browser, Locator, Page, async_playwright, expect

from bot.demo import COORDINATRICE, EVALUATEURS, evaluation_de_demo, preparer_dossier
from bot.server import CHAT, WEB_DIR, create_app, service_for
from bot.web.access import Invitations, secret_key
from bot.web.annuaire import Annuaire
from flows.notation import Aller
from referentiel import CodeValeur, default
from storage import open_store
from tests.harnais import Utilisateur

CHROMIUM = "/usr/bin/chromium"
# Chromium's background services try to reach Google; this machine's network is closed.
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTEFACTS = Path(__file__).resolve().parents[1] / "artifacts"
BLOC_1 = default().blocs[0]
# Léa differs from Karim (all A) on two critères; both are reconciled.
ECARTS_LEA = {"B1.C1.2": CodeValeur.NA, "B1.C2.4": CodeValeur.ECA}


@asynccontextmanager
async def _serveur_de_demo(dossier: Path, local: bool) -> AsyncIterator[str]:
    """The demo workspace, as ``cqp-bot demo`` prepares it, served on a free loopback port."""
    async with _demo(dossier, local) as (url, _):
        yield url


@asynccontextmanager
async def _demo(dossier: Path, local: bool) -> AsyncIterator[tuple[str, web.Application]]:
    """The demo server's address, and its app (for a test that must reach its service)."""
    preparer_dossier(dossier, dossier / "utilisateurs.yaml", reset=False)
    annuaire = Annuaire.lire(dossier / "utilisateurs.yaml")
    store = await open_store(dossier)
    app = create_app(service_for(store, annuaire), annuaire, dossier, local=local)
    await evaluation_de_demo(app[CHAT])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    hote, port = runner.addresses[0][:2]
    try:
        yield f"http://{hote}:{port}", app
    finally:
        await runner.cleanup()
        await store.fermer()


@pytest.fixture
async def adresse(tmp_path: Path) -> AsyncIterator[str]:
    """The demo server in local mode (each tab picks who it is)."""
    async with _serveur_de_demo(tmp_path, local=True) as url:
        yield url


@pytest.fixture
async def navigateur() -> AsyncIterator[Browser]:
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        await browser.close()


class Fenetre:
    """One person's browser window on the chat, phone-sized."""

    def __init__(self, page: Page, nom: str) -> None:
        self.page = page
        self.nom = nom
        self.etape = 0

    async def photo(self, quoi: str) -> None:
        ARTEFACTS.mkdir(exist_ok=True)
        self.etape += 1
        await self.page.screenshot(path=ARTEFACTS / f"{self.nom}-{self.etape:02d}-{quoi}.png")

    def dernier(self) -> Locator:
        return self.page.locator("#fil-prive article.bot").last

    async def attendre(self, texte: str) -> Locator:
        bulle = self.dernier()
        await expect(bulle).to_contain_text(texte)
        return bulle

    async def cliquer(self, bulle: Locator, libelle: str | re.Pattern[str]) -> None:
        await bulle.get_by_role("button", name=libelle).click()

    async def taper(self, texte: str) -> None:
        saisie = self.page.get_by_label("Votre message ou une commande")
        await saisie.fill(texte)
        await saisie.press("Enter")
        await expect(self.page.locator("#fil-prive article.moi").last).to_have_text(texte)


async def ouvrir(navigateur: Browser, adresse: str, nom: str, qui: str) -> Fenetre:
    contexte = await navigateur.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    page = await contexte.new_page()
    page.set_default_timeout(15_000)
    erreurs: list[str] = []
    page.on("pageerror", lambda e: erreurs.append(str(e)))
    await page.goto(adresse)
    await expect(page.get_by_role("heading", name="Qui êtes-vous ?")).to_be_visible()
    await page.get_by_role("button", name=re.compile(re.escape(qui))).click()
    await expect(page.locator("#qui-nom")).to_contain_text(qui)
    fenetre = Fenetre(page, nom)
    assert erreurs == []
    return fenetre


async def noter_le_bloc(f: Fenetre, ecarts: dict[str, CodeValeur]) -> None:
    """Score bloc 1 in the browser, critère by critère, with a comment and précisions."""
    await f.cliquer(await f.attendre("Commencer la grille"), "Commencer la grille")
    for competence in BLOC_1.competences:
        for critere in competence.criteres:
            bulle = await f.attendre(f"{critere.id} —")
            valeur = ecarts.get(critere.id, CodeValeur.A)
            await f.cliquer(bulle, re.compile(rf"^{valeur.value} ·"))
            if valeur in (CodeValeur.ECA, CodeValeur.NA):
                # The comment in the prompt's own field (the chat's input works too: précisions).
                demande = await f.attendre("Un commentaire pour justifier")
                await demande.get_by_label("Votre commentaire").fill(
                    f"Constaté à l'entretien 2 ({critere.id})."
                )
                await f.photo(f"commentaire-{critere.id}")
                await demande.get_by_role("button", name="Envoyer").click()
                await expect(f.page.locator("#fil-prive")).to_contain_text(
                    f"Commentaire enregistré pour {critere.id}"
                )
        await f.attendre(f"Compétence {competence.id} terminée")
        await f.taper(f"{competence.id} : mise en œuvre constatée sur trois entretiens.")
        await f.photo(f"precisions-{competence.id}")
    bulle = await f.attendre("Soumettre la grille")
    await f.photo("revue")
    await f.cliquer(bulle, "Soumettre la grille")
    await expect(f.page.locator("#fil-prive")).to_contain_text("Grille soumise et verrouillée")


async def test_two_evaluateurs_score_bloc_1_reconcile_and_the_coordinatrice_reads_the_result(
    adresse: str, navigateur: Browser
) -> None:
    karim = await ouvrir(navigateur, adresse, "1-karim", "Karim Haddad")
    lea = await ouvrir(navigateur, adresse, "2-lea", "Léa Martin")
    claire = await ouvrir(navigateur, adresse, "3-claire", COORDINATRICE.nom.split(" (")[0])
    await karim.photo("invitation")
    assert EVALUATEURS[0].id == "karim"

    await noter_le_bloc(karim, {})
    await karim.photo("soumise")
    await noter_le_bloc(lea, ECARTS_LEA)

    # The second grid in: both see the comparison, pushed live (Karim did nothing).
    for f in (karim, lea):
        bulle = await f.attendre("Les deux grilles sont soumises")
        await expect(bulle).to_contain_text("B1.C1.2, B1.C2.4")
        await f.photo("comparaison")

    # B1.C1.2: Karim proposes A with a reason; Léa sees both positions and accepts.
    await karim.cliquer(karim.dernier(), "Voir les écarts")
    ecarts = await karim.attendre("2 restant(s)")
    await expect(ecarts).to_contain_text("Constaté à l'entretien 2 (B1.C1.2).")  # Léa's comment
    await karim.photo("ecarts")
    # Each « Proposer A » says for which critère to a screen reader (found when tried).
    await expect(ecarts.get_by_role("button", name="Proposer A pour B1.C2.4")).to_have_count(1)
    await ecarts.get_by_role("button", name="Proposer A pour B1.C1.2", exact=True).click()
    await karim.attendre("Écrivez votre justification")
    await karim.taper("Reformulations présentes dans 4 entretiens sur 5.")
    await karim.attendre("Proposition envoyée")
    demande = await lea.attendre("propose A pour B1.C1.2")
    await expect(demande).to_contain_text("Reformulations présentes dans 4 entretiens sur 5.")
    await lea.photo("proposition-recue")
    await lea.cliquer(demande, "Accepter A")
    await expect(lea.page.locator("#fil-prive")).to_contain_text(
        "Valeur commune enregistrée : B1.C1.2 = A."
    )

    # B1.C2.4, the one left: Léa proposes ECA; Karim accepts.
    reste = await lea.attendre("1 restant(s)")
    await reste.locator(".choix").nth(0).get_by_role("button", name="Proposer ECA").click()
    await lea.attendre("Écrivez votre justification")
    await lea.taper("Le contrôle interne n'est pas encore maîtrisé.")
    demande = await karim.attendre("propose ECA pour B1.C2.4")
    await karim.cliquer(demande, "Accepter ECA")
    await expect(karim.page.locator("#fil-prive")).to_contain_text(
        "Valeur commune enregistrée : B1.C2.4 = ECA."
    )
    await karim.attendre("Tous les écarts ont une valeur commune")
    await karim.photo("accord")

    # The consolidated proposal, and both visas.
    for f in (karim, lea):
        await f.page.get_by_role("button", name="Voir la proposition consolidée").last.click()
        proposition = await f.attendre("Donner mon visa")
        await f.photo("proposition")
        await f.cliquer(proposition, "Donner mon visa")
    await lea.attendre("Résultat proposé — candidat DEMO-001, bloc B1")

    # Claire reads it in her conversation and in the « Résultats » fil, without reloading.
    await claire.attendre("Résultat proposé — candidat DEMO-001, bloc B1")
    await claire.page.get_by_role("tab", name=re.compile("Résultats")).click()
    publie = claire.page.locator("#fil-resultats article.bot").last
    await expect(publie).to_contain_text("Résultat proposé — candidat DEMO-001, bloc B1")
    await expect(publie).not_to_contain_text("Sophie")  # the reference only, never the name
    await claire.photo("resultat")
    await expect(claire.page.locator("#fil-resultats article")).to_have_count(1)
    await expect(claire.page.locator("#fil-prive")).to_be_hidden()
    await expect(claire.page.locator("#nouveaux-resultats")).to_be_hidden()


async def test_a_coordinatrice_creates_an_evaluation_with_the_keyboard_and_the_form(
    adresse: str, navigateur: Browser
) -> None:
    contexte = await navigateur.new_context(viewport={"width": 390, "height": 844})
    page = await contexte.new_page()
    page.set_default_timeout(15_000)
    await page.goto(adresse)
    # Keyboard only: the person's button takes the focus and Enter picks it.
    await page.get_by_role("button", name=re.compile("Claire Dubois")).focus()
    await page.keyboard.press("Enter")
    claire = Fenetre(page, "4-creation")
    saisie = page.get_by_label("Votre message ou une commande")
    await expect(saisie).to_be_focused()
    await claire.taper("nouvelle")
    formulaire = await claire.attendre("Nouvelle évaluation")
    valeurs = {
        "Nom du candidat": "Paul Durand", "Référence du candidat": "C077", "Bloc": "B9",
        "Identifiant du premier évaluateur": "karim",
        "Rôle du premier évaluateur": "expert_habilite",
        "Identifiant du second évaluateur": "lea", "Rôle du second évaluateur": "expert_interne",
    }  # fmt: skip
    for libelle, valeur in valeurs.items():
        await formulaire.get_by_label(libelle).fill(valeur)
    # The évaluateur fields suggest this server's people.
    suggestions = formulaire.get_by_label("Identifiant du premier évaluateur")
    liste = await suggestions.get_attribute("list")
    assert liste is not None
    noms = await formulaire.locator(f"#{liste} option").evaluate_all("os => os.map(o => o.value)")
    assert noms == ["claire", "karim", "lea"]
    await claire.photo("formulaire")
    await formulaire.get_by_role("button", name="Créer l'évaluation").click()
    # A wrong bloc: said in French, the form comes back filled, nothing created.
    erreur = await claire.attendre("L'évaluation n'a pas été créée")
    await expect(erreur).to_contain_text("B9")
    await expect(erreur.get_by_label("Nom du candidat")).to_have_value("Paul Durand")
    await claire.photo("erreur")
    await erreur.get_by_label("Bloc").fill("B1")
    await erreur.get_by_label("Bloc").press("Enter")  # Enter in a field sends the form
    await claire.attendre("Évaluation ev-C077-B1 créée")
    await claire.photo("creee")
    await contexte.close()


async def test_two_tabs_of_one_browser_are_two_people_and_the_keyboard_follows_the_grid(
    adresse: str, navigateur: Browser
) -> None:
    contexte = await navigateur.new_context(viewport={"width": 390, "height": 844})
    onglet_karim, onglet_lea = await contexte.new_page(), await contexte.new_page()
    for page, qui in ((onglet_karim, "Karim Haddad"), (onglet_lea, "Léa Martin")):
        page.set_default_timeout(15_000)
        await page.goto(adresse)
        await page.get_by_role("button", name=re.compile(qui)).click()
        await expect(page.locator("#qui-nom")).to_contain_text(qui)
    karim, lea = Fenetre(onglet_karim, "5-karim-onglet"), Fenetre(onglet_lea, "5-lea-onglet")

    # Karim's tab acts as Karim even though Léa was picked last in the same browser.
    await karim.taper("mes-evaluations")
    await karim.cliquer(await karim.attendre("DEMO-001"), re.compile("DEMO-001"))
    question = await karim.attendre("B1.C1.1 —")
    await expect(lea.page.locator("#fil-prive")).not_to_contain_text("B1.C1.1 —")

    # Keyboard: Enter on « A » answers; the focus moves to the next question's first button.
    await question.get_by_role("button", name=re.compile(r"^A ·")).focus()
    await karim.page.keyboard.press("Enter")
    suivante = await karim.attendre("B1.C1.2 —")
    await expect(suivante.get_by_role("button", name=re.compile(r"^A ·"))).to_be_focused()
    await karim.page.keyboard.press("Enter")  # and Enter again answers that one
    await karim.attendre("B1.C1.3 —")
    await karim.photo("clavier")

    # « /cqp … » typed in the input is a command, as in Slack.
    await karim.taper("/cqp critere accueil")
    await karim.attendre("B1.C1.1")
    await contexte.close()


@pytest.fixture
async def adresse_reseau(tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    """The demo workspace served as on an intranet (sign-in links), and Karim's link."""
    async with _serveur_de_demo(tmp_path, local=False) as url:
        jeton = Invitations(tmp_path / WEB_DIR, secret_key(tmp_path / WEB_DIR)).inviter("karim")
        yield url, f"{url}/connexion?jeton={jeton}"


async def test_on_an_intranet_a_sign_in_link_opens_the_chat_and_nothing_else_does(
    adresse_reseau: tuple[str, str], navigateur: Browser
) -> None:
    adresse, lien = adresse_reseau
    contexte = await navigateur.new_context(viewport={"width": 390, "height": 844})
    page = await contexte.new_page()
    page.set_default_timeout(15_000)
    reponse = await page.goto(adresse)
    assert reponse is not None and reponse.status == 401
    await expect(page.get_by_role("heading", name="Connexion requise")).to_be_visible()

    await page.goto(lien)  # the link the coordinatrice sent
    await expect(page.locator("#qui-nom")).to_contain_text("Karim Haddad")
    await expect(page.locator("#changer")).to_be_hidden()  # no picking someone else here
    karim = Fenetre(page, "6-intranet")
    await karim.taper("mes-evaluations")
    await karim.cliquer(await karim.attendre("DEMO-001"), re.compile("DEMO-001"))
    question = await karim.attendre("B1.C1.1 —")
    await question.get_by_role("button", name=re.compile(r"^A ·")).click()
    await karim.attendre("B1.C1.2 —")  # pushed live over the session's WebSocket
    await karim.photo("intranet")
    await contexte.close()


async def test_a_prompt_sent_again_after_a_refusal_is_taken(
    adresse: str, navigateur: Browser
) -> None:
    """Found when tried in the web chat: précisions refused (spaces only), then written in the
    same box and sent again — nothing happened (the page reused the first send's request id)."""
    karim = await ouvrir(navigateur, adresse, "7-karim-renvoi", "Karim Haddad")
    await karim.cliquer(await karim.attendre("Commencer la grille"), "Commencer la grille")
    for critere in BLOC_1.competences[0].criteres:
        await karim.cliquer(await karim.attendre(f"{critere.id} —"), re.compile(r"^A ·"))
    bulle = await karim.attendre("Compétence B1.C1 terminée")
    demande = karim.page.locator(f"#{await bulle.get_attribute('id')}")  # this very bubble
    champ = demande.get_by_label("Vos précisions sur la compétence")
    await champ.fill("   ")
    await demande.get_by_role("button", name="Envoyer").click()
    await karim.attendre("obligatoires")
    await champ.fill("Accueil chaleureux, reformulation systématique.")
    await demande.get_by_role("button", name="Envoyer").click()
    await expect(karim.page.locator("#fil-prive")).to_contain_text(
        "Précisions enregistrées pour B1.C1 (candidat DEMO-001)."
    )
    await karim.photo("renvoi")


async def test_the_jury_export_downloads_from_its_link_in_local_mode(
    tmp_path: Path, navigateur: Browser
) -> None:
    """Found when tried in the demo: the « Télécharger … » link answered 401."""
    async with _demo(tmp_path, local=True) as (adresse, app):
        service = app[CHAT].service
        evaluation = "ev-DEMO-001-B1"
        for qui in ("karim", "lea"):  # both grids, straight through the service
            u = Utilisateur(service, qui)
            await u.cliquer(Aller(evaluation=evaluation, action="reprendre").pack())
            for competence in BLOC_1.competences:
                for critere in competence.criteres:
                    await u.cliquer(f"v:{evaluation}:{critere.id}:A")
                await u.taper(f"{competence.id} : constaté.")
            await u.cliquer(Aller(evaluation=evaluation, action="soumettre").pack())
        claire = await ouvrir(navigateur, adresse, "8-export", "Claire Dubois")
        await claire.taper(f"export {evaluation}")
        bulle = await claire.attendre("Télécharger cqp-DEMO-001.json")
        async with claire.page.expect_download() as telechargement:
            await bulle.get_by_role("link", name="Télécharger cqp-DEMO-001.json").click()
        fichier = await (await telechargement.value).path()
        assert '"reference": "DEMO-001"' in Path(fichier).read_text(encoding="utf-8")
        await claire.photo("export")


async def test_a_long_comment_is_kept_whole_and_its_length_said(
    tmp_path: Path, navigateur: Browser
) -> None:
    """Found when tried in the web chat: the comment box cut a paste at 3,000 characters without
    a word, while the limit elsewhere is 10,000."""
    async with _demo(tmp_path, local=True) as (adresse, app):
        karim = await ouvrir(navigateur, adresse, "9-karim-long", "Karim Haddad")
        await karim.cliquer(await karim.attendre("Commencer la grille"), "Commencer la grille")
        await karim.cliquer(await karim.attendre("B1.C1.1 —"), re.compile(r"^NA ·"))
        bulle = await karim.attendre("Un commentaire pour justifier")
        demande = karim.page.locator(f"#{await bulle.get_attribute('id')}")
        commentaire = ("Écoute active insuffisante ; " * 140)[:4000]
        await demande.get_by_label("Votre commentaire").fill(commentaire)
        await expect(demande.locator(".compteur")).to_have_text("4 000 / 10 000 caractères")
        await karim.photo("long")
        await demande.get_by_role("button", name="Envoyer").click()
        await expect(karim.page.locator("#fil-prive")).to_contain_text(
            "Commentaire enregistré pour B1.C1.1"
        )
        dossier = await app[CHAT].service.store.dossier("ev-DEMO-001-B1")
        assert dossier is not None and dossier.reponses[0].commentaire == commentaire.strip()
