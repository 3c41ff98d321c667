"""Creating an evaluation: the coordinateur's form, its checks, and the évaluateurs' invitations.

The form is a message of text inputs and a submit button (:class:`Envoyer`);
each channel turns it into what it has — a Slack modal, an Adaptive Card, an
HTML form — and sends back a ``FormEvent`` with the values by field name.

Every field is checked at once and every problem is listed, in French, with
the form shown again as it was filled: nothing is created until all is
right. The two évaluateurs' roles must form a pair the bloc's modalités
allow (référentiel data), and they must be two different people.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, datetime

from flows import catalogue as txt
from flows.evaluation import Candidat, Evaluateur, Evaluation
from flows.messages import (
    MAX_TARGET,
    Button,
    Choices,
    Destination,
    Envoyer,
    Heading,
    Message,
    Paragraph,
    Preuve,
    Reply,
    TextInput,
)
from flows.notation import Aller
from referentiel import Referentiel, RoleEvaluateur

FORMULAIRE = "nouvelle"
CHAMPS = tuple(txt.CRE_CHAMPS)
OBLIGATOIRES = (
    "candidat_nom",
    "candidat_reference",
    "bloc",
    "evaluateur_1",
    "role_1",
    "evaluateur_2",
    "role_2",
)
_IDENTIFIANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
_UTILISATEUR = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def formulaire(valeurs: Mapping[str, str] | None = None, erreurs: Collection[str] = ()) -> Reply:
    """The creation form, filled with ``valeurs`` and headed by ``erreurs`` if any."""
    valeurs = valeurs or {}
    blocs: list[Heading | Paragraph | TextInput | Choices] = [Heading(text=txt.CRE_TITRE)]
    if erreurs:
        blocs.append(
            Paragraph(text="\n".join([txt.CRE_ERREURS_TITRE, *(f"• {e}" for e in erreurs)])[:3000])
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
    return Reply(message=Message(summary=txt.CRE_TITRE, blocks=tuple(blocs)))


def _date(texte: str) -> date | None:
    try:
        return datetime.strptime(texte.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def verifier(valeurs: Mapping[str, str], referentiel: Referentiel) -> list[str]:
    """Every problem of the filled form, in French; empty when it can be created."""
    v = {k: (valeurs.get(k) or "").strip() for k in CHAMPS}
    erreurs = [
        txt.CRE_OBLIGATOIRE.format(champ=txt.CRE_CHAMPS[k]) for k in OBLIGATOIRES if not v[k]
    ]
    if v["candidat_reference"] and not _IDENTIFIANT.match(v["candidat_reference"]):
        erreurs.append(txt.CRE_REFERENCE_INVALIDE)
    for champ in ("evaluateur_1", "evaluateur_2"):
        if v[champ] and not _UTILISATEUR.match(v[champ]):
            erreurs.append(txt.CRE_IDENTIFIANT_INVALIDE.format(valeur=v[champ][:64]))
    bloc = referentiel.bloc(v["bloc"]) if v["bloc"] else None
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


def evaluation(
    valeurs: Mapping[str, str], coordinateur: str, existantes: Collection[str], maintenant: datetime
) -> Evaluation:
    """The evaluation a checked form describes, with an id not yet taken."""
    v = {k: (valeurs.get(k) or "").strip() for k in CHAMPS}
    bloc = v["bloc"].upper()
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
                nom=v["evaluateur_1"],
                role=RoleEvaluateur(v["role_1"].lower()),
            ),
            Evaluateur(
                utilisateur=v["evaluateur_2"],
                nom=v["evaluateur_2"],
                role=RoleEvaluateur(v["role_2"].lower()),
            ),
        ),
        coordinateurs=(coordinateur,),
        echeance=_date(v["echeance"]) if v["echeance"] else None,
        destination_resultats=v["destination"] or None,
        horodatage=maintenant,
    )


def invitations(ev: Evaluation, referentiel: Referentiel) -> tuple[Reply, ...]:
    """A message to each évaluateur, with the button to start the grid."""
    bloc = referentiel.bloc(ev.bloc)
    assert bloc is not None
    mod = bloc.modalites
    entretiens = (
        str(mod.entretiens_min)
        if mod.entretiens_min == mod.entretiens_max
        else f"{mod.entretiens_min} à {mod.entretiens_max}"
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
