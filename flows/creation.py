"""Creating an evaluation: the coordinateur's form, its checks, and the évaluateurs' invitations.

The form is a message of text inputs and a submit button (:class:`Envoyer`);
each channel turns it into what it has — a Slack modal, an Adaptive Card, an
HTML form — and sends back a ``FormEvent`` with the values by field name.

Every field is checked at once and every problem is listed, in French, with
the form shown again as it was filled: nothing is created until all is
right. The two évaluateurs' roles must form a pair the bloc's modalités
allow (référentiel data), and they must be two different people.

:func:`etape` is pure: ``(state, event, what the service loaded) -> (new
state, replies, the evaluation to store)``; which handler answers is read in
:data:`TABLE` by what the conversation waits for and what the event is.
docs/flows.md draws the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

from flows import catalogue as txt
from flows.designation import code_de_bloc
from flows.evaluation import Candidat, Evaluateur, Evaluation
from flows.inscription import FicheCandidat
from flows.messages import (
    MAX_TARGET,
    Button,
    ChoiceEvent,
    Choices,
    CommandEvent,
    Destination,
    Event,
    FormEvent,
    Heading,
    Message,
    Paragraph,
    Reply,
    TextInput,
    fold,
    say,
    shorten,
)
from flows.notation import Aller
from flows.payloads import (
    Envoyer,
    Preuve,
)
from referentiel import Referentiel, RoleEvaluateur

FORMULAIRE = "nouvelle"
CHAMPS = tuple(txt.CRE_CHAMPS)
GENRES: dict[str, Literal["user", "channel"]] = {
    "evaluateur_1": "user",
    "evaluateur_2": "user",
    "destination": "channel",
}
"""The fields that name a person or a conversation: a channel with pickers shows one."""
OBLIGATOIRES = (
    "candidat_nom",
    "candidat_reference",
    "bloc",
    "evaluateur_1",
    "role_1",
    "evaluateur_2",
    "role_2",
)
LONGUEURS_MAX = {
    "candidat_nom": 200,
    "candidat_reference": 32,
    "bloc": 10,
    "evaluateur_1": 64,
    "role_1": 40,
    "evaluateur_2": 64,
    "role_2": 40,
    "echeance": 10,
    "destination": 80,
}
"""Longest value of each field. The reference names files and the evaluation's id
(``ev-<reference>-<bloc>[-n]``, 64 characters at most), hence 32; a results channel name
is 80 at most on Slack; names and ids are what the records accept."""
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
IDENTIFIANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
"""A person's id, as the channels give them (never a name: no space)."""


def formulaire(valeurs: Mapping[str, str] | None = None, erreurs: Collection[str] = ()) -> Reply:
    """The creation form, filled with ``valeurs`` and headed by ``erreurs`` if any."""
    valeurs = valeurs or {}
    blocs: list[Heading | Paragraph | TextInput | Choices] = [Heading(text=txt.CRE_TITRE)]
    if erreurs:
        blocs.append(
            Paragraph(
                text=shorten(
                    "\n".join([txt.CRE_ERREURS_TITRE, *(txt.PUCE.format(texte=e) for e in erreurs)])
                )
            )
        )
    else:
        blocs.append(Paragraph(text=txt.CRE_INTRO))
    for nom, libelle in txt.CRE_CHAMPS.items():
        blocs.append(
            TextInput(
                name=nom,
                label=libelle,
                required=nom in OBLIGATOIRES,
                initial=valeurs.get(nom, "")[:3000],
                max_length=LONGUEURS_MAX[nom],
                kind=GENRES.get(nom, "text"),
            )
        )
    blocs.append(
        Choices(
            buttons=(
                Button(
                    label=txt.CRE_BOUTON_CREER,
                    payload=Envoyer(formulaire=FORMULAIRE).pack(),
                    style="primary",
                ),
            )
        )
    )
    message = Message(summary=txt.CRE_TITRE, titre=txt.CRE_TITRE, blocks=tuple(blocs))
    return Reply(message=message)


def _date(texte: str) -> date | None:
    try:
        return datetime.strptime(texte.strip(), txt.FORMAT_DATE).date()
    except ValueError:
        return None


def verifier(valeurs: Mapping[str, str], referentiel: Referentiel) -> list[str]:
    """Every problem of the filled form, in French; empty when it can be created."""
    v = {k: (valeurs.get(k) or "").strip() for k in CHAMPS}
    erreurs = [
        txt.CRE_OBLIGATOIRE.format(champ=txt.CRE_CHAMPS[k]) for k in OBLIGATOIRES if not v[k]
    ]
    for champ, maximum in LONGUEURS_MAX.items():
        if len(v[champ]) > maximum:
            erreurs.append(
                txt.CRE_TROP_LONG.format(champ=txt.CRE_CHAMPS[champ], n=len(v[champ]), max=maximum)
            )
            v[champ] = ""  # too long: its other checks would only repeat the problem
    if v["candidat_reference"] and not _REFERENCE.match(v["candidat_reference"]):
        erreurs.append(txt.CRE_REFERENCE_INVALIDE)
    for champ in ("evaluateur_1", "evaluateur_2"):
        if v[champ] and not IDENTIFIANT.match(v[champ]):
            erreurs.append(txt.CRE_IDENTIFIANT_INVALIDE.format(valeur=v[champ][:64]))
    bloc = referentiel.bloc(code_de_bloc(v["bloc"])) if v["bloc"] else None
    if v["bloc"] and bloc is None:
        erreurs.append(txt.CRE_BLOC_INVALIDE.format(valeur=v["bloc"][:20]))
    roles = []
    for champ in ("role_1", "role_2"):
        if v[champ]:
            try:
                roles.append(RoleEvaluateur(v[champ].lower()))
            except ValueError:
                erreurs.append(txt.CRE_ROLE_INVALIDE.format(valeur=v[champ][:40]))
    if bloc is not None and len(roles) == 2 and not bloc.modalites.evaluateurs.autorise(*roles):
        libelles = [referentiel.roles_evaluateurs[r].libelle for r in roles]
        erreurs.append(txt.CRE_BINOME_INTERDIT.format(role_1=libelles[0], role_2=libelles[1]))
    if v["evaluateur_1"] and v["evaluateur_1"] == v["evaluateur_2"]:
        erreurs.append(txt.CRE_MEME_EVALUATEUR)
    if v["echeance"] and _date(v["echeance"]) is None:
        erreurs.append(txt.CRE_DATE_INVALIDE.format(valeur=v["echeance"][:20]))
    if len(v["destination"]) > MAX_TARGET:
        erreurs.append(
            txt.SRV_DESTINATION_TROP_LONGUE.format(n=len(v["destination"]), max=MAX_TARGET)
        )
    return erreurs


def _meme(texte: str) -> str:
    """A name as compared: without accents, case or extra spaces."""
    return " ".join(fold(texte).split())


def independance(
    valeurs: Mapping[str, str], noms: Mapping[str, str] | None, fiches: Mapping[str, FicheCandidat]
) -> list[str]:
    """The référentiel's independence rules, for an enrolled candidate: a *responsable
    pédagogique* is never their formateur référent, and nobody with a declared conflict of
    interest evaluates them — as their record names these people (by name or id)."""
    fiche = fiches.get((valeurs.get("candidat_reference") or "").strip())
    if fiche is None:
        return []
    formateur = _meme(fiche.formateur_referent)
    conflits = {_meme(c) for c in fiche.conflits}
    pedagogique = RoleEvaluateur.RESPONSABLE_PEDAGOGIQUE.value
    erreurs = []
    for n in ("1", "2"):
        qui = (valeurs.get(f"evaluateur_{n}") or "").strip()
        if not qui:
            continue
        noms_de = {_meme(qui), _meme(_nom(noms, qui))}
        role = (valeurs.get(f"role_{n}") or "").strip().lower()
        if role == pedagogique and formateur and formateur in noms_de:
            erreurs.append(txt.CRE_FORMATEUR_REFERENT.format(formateur=fiche.formateur_referent))
        if noms_de & conflits:
            erreurs.append(txt.CRE_CONFLIT.format(personne=_nom(noms, qui)))
    return erreurs


def evaluation(
    valeurs: Mapping[str, str],
    coordinateur: str,
    existantes: Collection[str],
    maintenant: datetime,
    noms: Mapping[str, str] | None = None,
) -> Evaluation:
    """The evaluation a checked form describes, with an id not yet taken.

    Each évaluateur is named by ``noms`` (the channel's display name for their id) when
    the channel gave one, else by their id.
    """
    v = {k: (valeurs.get(k) or "").strip() for k in CHAMPS}
    bloc = code_de_bloc(v["bloc"])  # « b1 », « bloc 1 », « 1 »: B1, as the commands take it
    base = f"ev-{v['candidat_reference']}-{bloc}"
    identifiant, n = base, 1
    while identifiant in existantes:
        n += 1
        identifiant = f"{base}-{n}"
    return Evaluation(
        id=identifiant,
        candidat=Candidat(nom=v["candidat_nom"], reference=v["candidat_reference"]),
        bloc=bloc,
        evaluateurs=(
            Evaluateur(
                utilisateur=v["evaluateur_1"],
                nom=_nom(noms, v["evaluateur_1"]),
                role=RoleEvaluateur(v["role_1"].lower()),
            ),
            Evaluateur(
                utilisateur=v["evaluateur_2"],
                nom=_nom(noms, v["evaluateur_2"]),
                role=RoleEvaluateur(v["role_2"].lower()),
            ),
        ),
        coordinateurs=(coordinateur,),
        echeance=_date(v["echeance"]) if v["echeance"] else None,
        destination_resultats=v["destination"] or None,
        horodatage=maintenant,
    )


def _nom(noms: Mapping[str, str] | None, utilisateur: str) -> str:
    return ((noms or {}).get(utilisateur) or "").strip() or utilisateur


def invitations(ev: Evaluation, referentiel: Referentiel) -> tuple[Reply, ...]:
    """A message to each évaluateur, with the button to start the grid."""
    bloc = referentiel.bloc(ev.bloc)
    assert bloc is not None
    mod = bloc.modalites
    entretiens = (
        txt.MOD_ENTRETIENS_EXACT.format(n=mod.entretiens_min)
        if mod.entretiens_min == mod.entretiens_max
        else txt.MOD_ENTRETIENS_VALEUR.format(min=mod.entretiens_min, max=mod.entretiens_max)
    )
    texte = txt.CRE_INVITATION.format(
        reference=ev.candidat.reference, bloc=bloc.id, titre=bloc.titre, entretiens=entretiens
    )
    preuve = Button(label=txt.PRV_BOUTON_SAISIR, payload=Preuve(evaluation=ev.id).pack())
    bouton = Button(
        label=txt.CRE_BOUTON_COMMENCER,
        payload=Aller(evaluation=ev.id, action="reprendre").pack(),
        style="primary",
    )
    return tuple(
        Reply(
            message=Message(
                summary=texte, blocks=(Paragraph(text=texte), Choices(buttons=(bouton, preuve)))
            ),
            to=Destination(kind="user", user=e.utilisateur),
        )
        for e in ev.evaluateurs
    )


# --- the conversation -----------------------------------------------------------------


class AttenteCreation(StrEnum):
    """What the creation conversation waits for."""

    RIEN = "rien"
    FORMULAIRE = "formulaire"
    """The form is shown; its submission is awaited."""


class EtatCreation(BaseModel):
    """Where a coordinateur stands in the creation (kept with the conversation state)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    attente: AttenteCreation = AttenteCreation.RIEN


@dataclass(frozen=True)
class Contexte:
    """What a step reads besides the state and the event; the service loads it."""

    utilisateur: str
    createurs: frozenset[str]
    """Who may create: the configured coordinateurs and admins."""
    referentiel: Referentiel
    existantes: frozenset[str]
    """Evaluation ids already taken."""
    maintenant: datetime
    fiches: Mapping[str, FicheCandidat] = field(default_factory=dict)
    """The enrolled candidates, by reference: their formateur référent is known."""


@dataclass(frozen=True)
class PasCreation:
    """The outcome of a step: the new state, the replies, the evaluation to store first."""

    etat: EtatCreation
    replies: tuple[Reply, ...]
    evaluation: Evaluation | None = None


Handler = Callable[[EtatCreation, Event, Contexte], PasCreation]
_FORMULAIRE_OUVERT = EtatCreation(attente=AttenteCreation.FORMULAIRE)


def _refus() -> PasCreation:
    return PasCreation(EtatCreation(), (say(txt.CRE_INTERDIT),))


def _ouvrir(etat: EtatCreation, evenement: Event, ctx: Contexte) -> PasCreation:
    """« nouvelle », or the form's button on a channel that sent the button: the empty form."""
    if ctx.utilisateur not in ctx.createurs:
        return _refus()
    return PasCreation(_FORMULAIRE_OUVERT, (formulaire(),))


def _envoyer(etat: EtatCreation, evenement: Event, ctx: Contexte) -> PasCreation:
    """The filled form: every problem listed with the form as filled, or the evaluation."""
    assert isinstance(evenement, FormEvent)
    if ctx.utilisateur not in ctx.createurs:
        return _refus()
    erreurs = verifier(evenement.values, ctx.referentiel)
    erreurs += independance(evenement.values, evenement.names, ctx.fiches)
    if erreurs:
        return PasCreation(_FORMULAIRE_OUVERT, (formulaire(evenement.values, erreurs),))
    ev = evaluation(
        evenement.values, ctx.utilisateur, ctx.existantes, ctx.maintenant, evenement.names
    )
    confirmation = say(
        txt.CRE_CREEE.format(evaluation=ev.id, reference=ev.candidat.reference, bloc=ev.bloc)
    )
    return PasCreation(EtatCreation(), (confirmation, *invitations(ev, ctx.referentiel)), ev)


TABLE: dict[AttenteCreation, dict[str, Handler]] = {
    AttenteCreation.RIEN: {"ouvrir": _ouvrir, "envoyer": _envoyer},
    AttenteCreation.FORMULAIRE: {"ouvrir": _ouvrir, "envoyer": _envoyer},
}
"""For each thing awaited, which kind of event is answered by which handler.

A form is answered even when no form is awaited: the conversation state is
written without an fsync (it can be lost in a power cut while the form is
still open on the screen), and a channel may open its own modal.
"""


def nature(evenement: Event) -> str | None:
    """``ouvrir`` or ``envoyer`` for an event of this conversation; None for any other."""
    if isinstance(evenement, FormEvent):
        return "envoyer" if evenement.form == FORMULAIRE else None
    if isinstance(evenement, CommandEvent):
        return "ouvrir" if evenement.name == FORMULAIRE else None
    if isinstance(evenement, ChoiceEvent):
        return "ouvrir" if evenement.payload == Envoyer(formulaire=FORMULAIRE).pack() else None
    return None


def etape(etat: EtatCreation, evenement: Event, ctx: Contexte) -> PasCreation:
    """One step of the creation. Pure: the evaluation comes back to be stored."""
    handler = TABLE[etat.attente].get(nature(evenement) or "")
    if handler is None:  # not an event of this conversation: nothing changes
        return PasCreation(etat, (say(txt.CMD_HORS_CONVERSATION),))
    return handler(etat, evenement, ctx)
