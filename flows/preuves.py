"""Evidence: the entretiens each évaluateur observed, checked against the bloc's modalités.

The modalités say how many entretiens (3 to 5), over how long (a week at
most), on which channels, in different settings, with one difficult
situation simulated if need be. The checks *warn*; they never block the
grid: the évaluateur may have good reasons, and the jury sees the evidence.

:func:`etape` is pure: ``(state, event, the evaluation named by the event)
-> (new state, replies, the entretien to store)``; which handler answers is
read in :data:`TABLE`. docs/flows.md draws the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from flows import catalogue as txt
from flows.autorisation import Action, autorise
from flows.evaluation import Dossier, Entretien, Evaluation
from flows.messages import (
    Button,
    ChoiceEvent,
    Choices,
    CommandEvent,
    Event,
    FormEvent,
    Heading,
    Message,
    Paragraph,
    Reply,
    TextInput,
    say,
    shorten,
)
from flows.notation import Aller
from flows.payloads import (
    Envoyer,
    InvalidPayload,
    Preuve,
    unpack_any,
)
from referentiel import Bloc, Canal

PREFIXE_FORMULAIRE = "entretien/"
COMMANDE = "entretien"
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
    message = Message(summary=titre, titre=txt.PRV_TITRE_COURT, blocks=tuple(blocs))
    return Reply(message=message)


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


def bilan(evaluation: str, entretien: Entretien, tous: Sequence[Entretien], bloc: Bloc) -> Reply:
    """Confirmation of one entretien, the list so far, the warnings, and what to do next."""
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
    suite = Choices(
        buttons=(
            Button(label=txt.PRV_BOUTON_AUTRE, payload=Preuve(evaluation=evaluation).pack()),
            Button(
                label=txt.PRV_BOUTON_GRILLE,
                payload=Aller(evaluation=evaluation, action="reprendre").pack(),
            ),
        )
    )
    return Reply(
        message=Message(
            summary=textes[0],
            blocks=(*(Paragraph(text=shorten(t)) for t in textes), suite),
        )
    )


# --- the conversation -----------------------------------------------------------------


class AttentePreuve(StrEnum):
    """What the evidence conversation waits for."""

    RIEN = "rien"
    FORMULAIRE = "formulaire"
    """An entretien's form is shown; its submission is awaited."""


class EtatPreuve(BaseModel):
    """Where an évaluateur stands in recording evidence (kept with the conversation state)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    attente: AttentePreuve = AttentePreuve.RIEN
    evaluation: str | None = None
    """The evaluation whose form is open."""


@dataclass(frozen=True)
class Contexte:
    """What a step reads besides the state and the event; the service loads it."""

    utilisateur: str
    dossier: Dossier | None
    """The evaluation the event names, if it exists."""
    bloc: Bloc | None
    maintenant: datetime


@dataclass(frozen=True)
class PasPreuve:
    """The outcome of a step: the new state, the replies, the entretien to store first."""

    etat: EtatPreuve
    replies: tuple[Reply, ...]
    entretien: Entretien | None = None


Handler = Callable[[EtatPreuve, Event, Contexte], PasPreuve]


def _autorise(ctx: Contexte) -> Dossier | None:
    """The evaluation, if the user is one of its évaluateurs (only they record evidence)."""
    if ctx.dossier is None or not autorise(ctx.dossier.evaluation, ctx.utilisateur, Action.NOTER):
        return None
    return ctx.dossier


def _refus() -> PasPreuve:
    return PasPreuve(EtatPreuve(), (say(txt.CMD_INTERDIT_NOTER),))


def _ouvrir(etat: EtatPreuve, evenement: Event, ctx: Contexte) -> PasPreuve:
    """The button, « entretien <évaluation> » or the form's button: the empty form."""
    dossier = _autorise(ctx)
    if dossier is None:
        return _refus()
    ouvert = EtatPreuve(attente=AttentePreuve.FORMULAIRE, evaluation=dossier.evaluation.id)
    return PasPreuve(ouvert, (formulaire(dossier.evaluation),))


def _envoyer(etat: EtatPreuve, evenement: Event, ctx: Contexte) -> PasPreuve:
    """The filled form: every problem listed with the form as filled, or the entretien."""
    assert isinstance(evenement, FormEvent)
    dossier = _autorise(ctx)
    if dossier is None or ctx.bloc is None:
        return _refus()
    ev = dossier.evaluation
    entretien, erreurs = lire(evenement.values, ctx.utilisateur, ctx.maintenant)
    if entretien is None:
        ouvert = EtatPreuve(attente=AttentePreuve.FORMULAIRE, evaluation=ev.id)
        return PasPreuve(ouvert, (formulaire(ev, evenement.values, erreurs),))
    autres = [
        e
        for e in dossier.entretiens
        if e.evaluateur == ctx.utilisateur and e.numero != entretien.numero
    ]
    reponse = bilan(ev.id, entretien, [*autres, entretien], ctx.bloc)
    return PasPreuve(EtatPreuve(), (reponse,), entretien)


TABLE: dict[AttentePreuve, dict[str, Handler]] = {
    AttentePreuve.RIEN: {"ouvrir": _ouvrir, "envoyer": _envoyer},
    AttentePreuve.FORMULAIRE: {"ouvrir": _ouvrir, "envoyer": _envoyer},
}
"""For each thing awaited, which kind of event is answered by which handler.

A form is answered even when none is awaited (the conversation state, written
without an fsync, may have been lost while the form was still on the screen);
recording the same entretien number again corrects it.
"""


def evaluation_visee(evenement: Event) -> str | None:
    """The evaluation an event of this conversation names; None for any other event."""
    if isinstance(evenement, FormEvent):
        if evenement.form.startswith(PREFIXE_FORMULAIRE):
            return evenement.form.removeprefix(PREFIXE_FORMULAIRE)
        return None
    if isinstance(evenement, CommandEvent):
        return evenement.args.strip() if evenement.name == COMMANDE else None
    if isinstance(evenement, ChoiceEvent):
        try:
            charge = unpack_any(evenement.payload, (Preuve, Envoyer))
        except InvalidPayload:
            return None
        if isinstance(charge, Preuve):
            return charge.evaluation
        if isinstance(charge, Envoyer) and charge.formulaire.startswith(PREFIXE_FORMULAIRE):
            return charge.formulaire.removeprefix(PREFIXE_FORMULAIRE)
    return None


def etape(etat: EtatPreuve, evenement: Event, ctx: Contexte) -> PasPreuve:
    """One step of recording evidence. Pure: the entretien comes back to be stored."""
    if evaluation_visee(evenement) is None:  # not an event of this conversation
        return PasPreuve(etat, (say(txt.CMD_HORS_CONVERSATION),))
    cle = "envoyer" if isinstance(evenement, FormEvent) else "ouvrir"
    return TABLE[etat.attente][cle](etat, evenement, ctx)
