"""Evidence: the entretiens each évaluateur observed, checked against the bloc's modalités.

The modalités say how many entretiens (3 to 5), over how long (a week at
most), on which channels, in different settings, with one difficult
situation simulated if need be. The checks *warn*; they never block the
grid: the évaluateur may have good reasons, and the jury sees the evidence.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime

from flows import catalogue as txt
from flows.evaluation import Entretien, Evaluation
from flows.messages import (
    Button,
    Choices,
    Envoyer,
    Heading,
    Message,
    Paragraph,
    Reply,
    TextInput,
    shorten,
)
from referentiel import Bloc, Canal

PREFIXE_FORMULAIRE = "entretien/"
MAX_ENTRETIENS = 20


def nom_formulaire(evaluation: str) -> str:
    return PREFIXE_FORMULAIRE + evaluation


def formulaire(
    ev: Evaluation, valeurs: Mapping[str, str] | None = None, erreurs: Collection[str] = ()
) -> Reply:
    """The form for one entretien of ``ev``."""
    valeurs = valeurs or {}
    titre = txt.PRV_TITRE.format(reference=ev.candidat.reference, bloc=ev.bloc)
    blocs: list[Heading | Paragraph | TextInput | Choices] = [Heading(text=titre[:150])]
    if erreurs:
        blocs.append(
            Paragraph(
                text=shorten(
                    "\n".join([txt.PRV_ERREURS_TITRE, *(txt.PUCE.format(texte=e) for e in erreurs)])
                )
            )
        )
    for nom, libelle in txt.PRV_CHAMPS.items():
        blocs.append(
            TextInput(name=nom, label=libelle, required=True, initial=valeurs.get(nom, "")[:3000])
        )
    bouton = Button(
        label=txt.PRV_BOUTON_ENREGISTRER, payload=Envoyer(formulaire=nom_formulaire(ev.id)).pack()
    )
    blocs.append(Choices(buttons=(bouton,)))
    return Reply(message=Message(summary=titre, blocks=tuple(blocs)))


def _oui_non(texte: str) -> bool | None:
    mot = texte.strip().lower()
    return True if mot in txt.PRV_OUI else False if mot in txt.PRV_NON else None


def lire(
    valeurs: Mapping[str, str], evaluateur: str, maintenant: datetime
) -> tuple[Entretien | None, list[str]]:
    """The entretien a form describes, or every problem with it (in French)."""
    v = {k: (valeurs.get(k) or "").strip() for k in txt.PRV_CHAMPS}
    erreurs = []
    numero = int(v["numero"]) if re.fullmatch(r"[0-9]{1,3}", v["numero"]) else 0
    if not 1 <= numero <= MAX_ENTRETIENS:
        erreurs.append(txt.PRV_NUMERO_INVALIDE.format(max=MAX_ENTRETIENS))
    try:
        jour: date | None = datetime.strptime(v["date"], txt.FORMAT_DATE).date()
    except ValueError:
        jour = None
        erreurs.append(txt.PRV_DATE_INVALIDE.format(valeur=v["date"][:20]))
    try:
        canal: Canal | None = Canal(v["canal"].lower())
    except ValueError:
        canal = None
        erreurs.append(txt.PRV_CANAL_INVALIDE.format(valeur=v["canal"][:30]))
    reel, difficile = _oui_non(v["reel"]), _oui_non(v["situation_difficile"])
    for champ, valeur in (("reel", reel), ("situation_difficile", difficile)):
        if valeur is None:
            erreurs.append(txt.PRV_OUI_NON_INVALIDE.format(champ=txt.PRV_CHAMPS[champ]))
    if erreurs or jour is None or canal is None or reel is None or difficile is None:
        return None, erreurs
    entretien = Entretien(
        evaluateur=evaluateur, numero=numero, date=jour, canal=canal, reel=reel,
        situation_difficile=difficile, horodatage=maintenant,
    )  # fmt: skip
    return entretien, []


def avertissements(entretiens: Sequence[Entretien], bloc: Bloc) -> list[str]:
    """What the recorded entretiens miss of the bloc's modalités — to check, never blocking."""
    mod = bloc.modalites
    out = []
    n = len(entretiens)
    if n < mod.entretiens_min:
        out.append(txt.PRV_PEU_ENTRETIENS.format(n=n, min=mod.entretiens_min))
    if n > mod.entretiens_max:
        out.append(txt.PRV_TROP_ENTRETIENS.format(n=n, max=mod.entretiens_max))
    if entretiens and mod.duree_max_jours is not None:
        etendue = (max(e.date for e in entretiens) - min(e.date for e in entretiens)).days + 1
        if etendue > mod.duree_max_jours:
            out.append(txt.PRV_FENETRE.format(jours=etendue, max=mod.duree_max_jours))
    if mod.canaux:
        for canal in sorted({e.canal for e in entretiens} - set(mod.canaux)):
            canaux = ", ".join(txt.CANAUX[c] for c in mod.canaux)
            out.append(txt.PRV_CANAL_HORS_MODALITES.format(canal=txt.CANAUX[canal], canaux=canaux))
    if mod.cadres_differents and n >= 2 and len({e.canal for e in entretiens}) == 1:
        out.append(txt.PRV_CADRES_IDENTIQUES)
    if (
        mod.situation_difficile_simulee
        and n >= mod.entretiens_min
        and not any(e.situation_difficile for e in entretiens)
    ):
        out.append(txt.PRV_SANS_SITUATION_DIFFICILE)
    return out


def bilan(entretien: Entretien, tous: Sequence[Entretien], bloc: Bloc) -> Reply:
    """Confirmation of one entretien, the list so far, and the warnings."""
    textes = [
        txt.PRV_ENREGISTRE.format(
            numero=entretien.numero, date=entretien.date.strftime(txt.FORMAT_DATE),
            canal=txt.CANAUX[entretien.canal], reel=txt.PRV_REEL[entretien.reel],
        ),
        txt.PRV_LISTE.format(liste=", ".join(
            txt.PRV_LISTE_ELEMENT.format(
                numero=e.numero, date=e.date.strftime(txt.FORMAT_DATE_COURTE),
                canal=txt.CANAUX[e.canal],
            )
            for e in sorted(tous, key=lambda e: e.numero)
        )),
    ]  # fmt: skip
    alertes = avertissements(tous, bloc)
    if alertes:
        textes.append(
            "\n".join([txt.PRV_AVERTISSEMENTS, *(txt.PUCE.format(texte=a) for a in alertes)])
        )
    return Reply(
        message=Message(summary=textes[0], blocks=tuple(Paragraph(text=t[:3000]) for t in textes))
    )
