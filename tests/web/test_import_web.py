"""The import of candidates from the web chat: a coordinateur uploads the spreadsheet while the
bot runs; the same checks and French report as the command line, nothing written on a
mistake, and only a coordinateur (of that session) may."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
from aiohttp import FormData
from aiohttp.test_utils import TestClient

from flows.inscription import SessionCertification
from tests.harnais import Utilisateur
from tests.store_outils import T0
from tests.web.outils import appli, connecter

CSV = "reference;nom;prenom;blocs\nC301;Bernard;Sophie;B1 B2\nC302;Girard;Paul;\n"


def _formulaire(nom: str, contenu: bytes, **champs: str) -> FormData:
    donnees = FormData()
    for cle, valeur in champs.items():
        donnees.add_field(cle, valeur)
    donnees.add_field("fichier", contenu, filename=nom, content_type="application/octet-stream")
    return donnees


async def _importer(
    client: TestClient[Any, Any], entetes: dict[str, str], nom: str, contenu: bytes, **champs: str
) -> tuple[int, dict[str, Any]]:
    reponse = await client.post(
        "/api/candidats", data=_formulaire(nom, contenu, **champs), headers=entetes
    )
    return reponse.status, await reponse.json()


async def test_a_coordinatrice_imports_a_spreadsheet_while_the_bot_runs(tmp_path: Path) -> None:
    async with appli(tmp_path) as a:
        client = await a.client()
        claire = await connecter(client, "claire")
        statut, corps = await _importer(
            client, claire, "candidats.csv", CSV.encode(), session="Lyon 2027", essai="1"
        )
        assert statut == 200 and corps["ok"] and not corps["ecrit"]
        assert corps["lignes"] == [
            "Essai : 2 candidat(s) seraient inscrits dans la session « Lyon 2027 » (2 nouveau(x), "
            "0 mis à jour). Rien n'a été écrit."
        ]
        assert await a.service.store.fiches() == []
        statut, corps = await _importer(
            client, claire, "candidats.csv", CSV.encode(), session="Lyon 2027", jury="2027-06-30",
            debut="2027-03-01", fin="2027-05-31",
        )  # fmt: skip
        assert statut == 200 and corps["ecrit"]
        assert "2 candidat(s) inscrits dans la session « Lyon 2027 »" in corps["lignes"][0]
        [session] = await a.service.store.sessions()
        assert session.coordinateurs == ("claire",) and str(session.jury) == "2027-06-30"
        assert (str(session.debut), str(session.fin)) == ("2027-03-01", "2027-05-31")
        fiches = {f.reference: f for f in await a.service.store.fiches()}
        assert fiches["C301"].blocs == ("B1", "B2") and len(fiches["C302"].blocs) == 4
        # She now follows them: the dashboard, in the chat, shows the session's candidates.
        lu = await Utilisateur(a.service, "claire").taper("tableau session=Lyon 2027")
        assert "C301 — Sophie Bernard" in lu and "C302 — Paul Girard" in lu


async def test_a_workbook_full_of_mistakes_is_reported_line_by_line_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    classeur = openpyxl.Workbook()
    feuille = classeur.active
    assert feuille is not None
    for ligne in (["reference", "nom", "blocs"], ["", "Sans référence", ""],
                  ["C401", "Doublon", "B1"], ["C401", "Doublon", "B1"],
                  ["C402", "=HYPERLINK(\"x\")", ""], ["C403", "Bloc", "B7"]):  # fmt: skip
        feuille.append(ligne)
    octets = io.BytesIO()
    classeur.save(octets)
    async with appli(tmp_path) as a:
        client = await a.client()
        claire = await connecter(client, "claire")
        statut, corps = await _importer(
            client, claire, "candidats.xlsx", octets.getvalue(), session="Lyon 2027"
        )
        assert statut == 200 and not corps["ok"] and not corps["ecrit"]
        lignes = corps["lignes"]
        assert "ligne 2, colonne « reference » : la référence du candidat est vide" in lignes
        assert any(ligne.startswith("ligne 4, colonne « reference »") for ligne in lignes)
        assert any(ligne.startswith("ligne 5, colonne « nom »") for ligne in lignes)
        assert any("ligne 6, colonne « blocs » : bloc(s) inconnu(s) : B7" in x for x in lignes)
        assert lignes[-1].startswith("Rien n'a été importé : 4 problème(s)")
        assert await a.service.store.fiches() == [] and await a.service.store.sessions() == []


async def test_only_a_coordinateur_of_the_session_may_import_and_bad_files_are_said(
    tmp_path: Path,
) -> None:
    async with appli(tmp_path) as a:
        client = await a.client()
        karim = await connecter(client, "karim")
        statut, corps = await _importer(client, karim, "c.csv", CSV.encode(), session="Lyon 2027")
        assert statut == 403 and corps["lignes"] == [
            "Seuls les coordinateurs peuvent importer des candidats."
        ]
        claire = await connecter(client, "claire")
        statut, corps = await _importer(client, claire, "c.pdf", b"%PDF-1.4", session="Lyon 2027")
        assert statut == 400 and ".csv" in corps["lignes"][0]
        statut, corps = await _importer(client, claire, "c.csv", "é".encode("utf-16-le") * 3 +
                                        b"\x00\x00", session="Lyon 2027")  # fmt: skip
        assert statut == 400
        statut, corps = await _importer(client, claire, "c.csv", CSV.encode(), session="")
        assert statut == 400 and "1 à 100 caractères" in corps["lignes"][0]
        statut, corps = await _importer(
            client, claire, "c.csv", CSV.encode(), session="Lyon", jury="30/06/2027"
        )
        assert statut == 400 and corps["lignes"] == [
            "La date « 30/06/2027 » (jury) n'est pas une date AAAA-MM-JJ."
        ]
        statut, corps = await _importer(
            client, claire, "c.csv", CSV.encode(), session="Lyon", debut="2027-06-30",
            fin="2027-03-01",
        )  # fmt: skip
        assert statut == 400 and "ne peut pas finir avant de commencer" in corps["lignes"][0]
        sans_jeton = {k: v for k, v in claire.items() if k != "X-CSRF-Token"}
        statut, _ = await _importer(client, sans_jeton, "c.csv", CSV.encode(), session="Lyon")
        assert statut == 403
        assert await a.service.store.fiches() == []
        # A session that has its own coordinatrice: another coordinateur may not import into it.
        autre = SessionCertification(nom="Nantes", coordinateurs=("u-nadia",), horodatage=T0)
        await a.service.store.inscrire(autre, [], par="cli")
        statut, corps = await _importer(client, claire, "c.csv", CSV.encode(), session="Nantes")
        assert (
            statut == 403 and "Vous ne coordonnez pas la session « Nantes »" in corps["lignes"][0]
        )
        assert await a.service.store.fiches() == []
        # Found in review: one nobody coordinates (the command line without --coordinateur)
        # was anyone's to take over by importing into it.
        personne = SessionCertification(nom="Brest", horodatage=T0)
        await a.service.store.inscrire(personne, [], par="cli")
        statut, corps = await _importer(client, claire, "c.csv", CSV.encode(), session="brest")
        assert statut == 403 and "Vous ne coordonnez pas" in corps["lignes"][0]
        assert await a.service.store.fiches() == []
        assert {s.nom: s.coordinateurs for s in await a.service.store.sessions()}["Brest"] == ()
