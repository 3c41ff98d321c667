"""Creating the evaluations of a session's candidates at once (``creer-evaluations``).

A coordinatrice with a session of forty candidates does not fill forty creation forms: she
names the session, the blocs (or each candidate's own), and one évaluateur pair for all —
or none, and each candidate gets the pair their record names (the import's columns
« evaluateur 1 », « role 1 », « evaluateur 2 », « role 2 »). Each candidate × bloc is then
checked exactly as the creation form checks one (:func:`flows.creation.verifier`: two
different évaluateurs, a pair the bloc's modalités allow; :func:`flows.creation.independance`:
the formateur référent never *responsable pédagogique*, no declared conflict of interest),
and — as an import does — one problem anywhere, and nothing is created: every problem is
listed, grouped by what is wrong, with the candidates and blocs it concerns.

A candidate × bloc that already has an evaluation is left as it is and said: sending the
same form twice creates nothing more. Pure: :func:`preparer` says what to store.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from flows import catalogue as txt
from flows import creation
from flows.designation import code_de_bloc
from flows.evaluation import Evaluation, StatutEvaluation
from flows.inscription import FicheCandidat, SessionCertification, session_nommee
from flows.messages import (
    Button,
    Choices,
    Destination,
    Heading,
    Message,
    Paragraph,
    Reply,
    TextInput,
    say,
    shorten,
)
from flows.payloads import Envoyer
from referentiel import Referentiel

FORMULAIRE = "lot"
CHAMPS = tuple(txt.LOT_CHAMPS)
BINOME = ("evaluateur_1", "role_1", "evaluateur_2", "role_2")
LONGUEURS_MAX = {"session": 100, "blocs": 40, "candidats": 2000, **creation.LONGUEURS_MAX}
MAX_LISTE = 40
"""Evaluations a confirmation names one by one; the others are counted."""


def formulaire(valeurs: Mapping[str, str] | None = None, erreurs: Collection[str] = ()) -> Reply:
    """The form, filled with ``valeurs`` and headed by ``erreurs`` if any."""
    valeurs = valeurs or {}
    entete = [txt.LOT_ERREURS_TITRE, *(txt.PUCE.format(texte=e) for e in erreurs)]
    blocs: list[Heading | Paragraph | TextInput | Choices] = [
        Heading(text=txt.LOT_TITRE),
        Paragraph(text=shorten("\n".join(entete)) if erreurs else txt.LOT_INTRO),
    ]
    for nom, libelle in txt.LOT_CHAMPS.items():
        blocs.append(
            TextInput(
                name=nom, label=libelle, required=nom == "session",
                initial=valeurs.get(nom, "")[: LONGUEURS_MAX[nom]],
                max_length=LONGUEURS_MAX[nom],
                kind="user" if nom.startswith("evaluateur") else "text",
            )
        )  # fmt: skip
    bouton = Button(
        label=txt.LOT_BOUTON, payload=Envoyer(formulaire=FORMULAIRE).pack(), style="primary"
    )
    blocs.append(Choices(buttons=(bouton,)))
    message = Message(summary=txt.LOT_TITRE, titre=shorten(txt.LOT_TITRE, 24), blocks=tuple(blocs))
    return Reply(message=message)


@dataclass(frozen=True)
class Lot:
    """What a filled form creates, and what it leaves because it exists already."""

    session: SessionCertification
    evaluations: tuple[Evaluation, ...]
    deja: tuple[str, ...]
    """« C042 B1 »: the candidate × bloc that has an evaluation already."""


def session_du_formulaire(
    texte: str, sessions: Sequence[SessionCertification]
) -> SessionCertification | str:
    """The session ``texte`` names among ``sessions``, or what is wrong, said."""
    nom = texte.strip()
    if not nom:
        return txt.LOT_SESSION_OBLIGATOIRE
    if (trouvee := session_nommee(nom, sessions)) is not None:
        return trouvee
    noms = ", ".join(f"« {s.nom} »" for s in sessions)
    return txt.LOT_SESSION_INCONNUE.format(session=shorten(nom, 100), sessions=noms)


def preparer(
    valeurs: Mapping[str, str],
    session: SessionCertification,
    fiches: Mapping[str, FicheCandidat],
    existantes: Sequence[Evaluation],
    referentiel: Referentiel,
    coordinateur: str,
    maintenant: datetime,
    noms: Mapping[str, str] | None = None,
) -> Lot | list[str]:
    """The evaluations the form asks for, or every problem (then none is to be created)."""
    v = {k: (valeurs.get(k) or "").strip() for k in CHAMPS}
    erreurs: list[str] = []
    inscrits = sorted(r for r, f in fiches.items() if f.session == session.nom)
    demandes = [m for m in re.split(r"[\s,;]+", v["candidats"]) if m]
    for reference in demandes:
        if reference not in inscrits:
            erreurs.append(
                txt.LOT_CANDIDAT_HORS_SESSION.format(
                    reference=shorten(reference, 64), session=session.nom
                )
            )
    candidats = [r for r in inscrits if r in demandes] if demandes else inscrits
    if not candidats and not erreurs:
        erreurs.append(txt.LOT_SESSION_VIDE.format(session=session.nom))
    blocs_demandes = list(
        dict.fromkeys(code_de_bloc(m) for m in re.split(r"[\s,;]+", v["blocs"]) if m)
    )  # « B1 b1 » is B1 once
    connus = [b.id for b in referentiel.blocs]
    for bloc in blocs_demandes:
        if bloc not in connus:
            erreurs.append(txt.CRE_BLOC_INVALIDE.format(valeur=shorten(bloc, 20)))
    donnes = [v[k] for k in BINOME]
    if any(donnes) and not all(donnes):
        erreurs.append(txt.LOT_BINOME_INCOMPLET)
    if erreurs:
        return erreurs
    ouvertes = {
        (e.candidat.reference, e.bloc)
        for e in existantes
        if e.statut is not StatutEvaluation.CLOTUREE
    }
    ids = {e.id for e in existantes}
    evaluations: list[Evaluation] = []
    deja: list[str] = []
    problemes: dict[str, list[str]] = {}
    for reference in candidats:
        fiche = fiches[reference]
        binome = dict(zip(BINOME, donnes, strict=True)) if any(donnes) else _binome(fiche)
        if not any(binome.values()):
            problemes.setdefault(txt.LOT_SANS_BINOME.format(reference=reference), [])
            continue
        for bloc in blocs_demandes or list(fiche.blocs):
            cible = f"{reference} {bloc}"
            if bloc not in fiche.blocs:
                problemes.setdefault(
                    txt.LOT_BLOC_HORS_FICHE.format(reference=reference, bloc=bloc), []
                )
                continue
            if (reference, bloc) in ouvertes:
                deja.append(cible)
                continue
            formulaire_un = {
                "candidat_nom": fiche.nom_complet, "candidat_reference": reference,
                "bloc": bloc, "echeance": v["echeance"], "destination": "", **binome,
            }  # fmt: skip
            trouves = creation.verifier(formulaire_un, referentiel)
            trouves += creation.independance(formulaire_un, noms, fiches)
            trouves += _noms_inconnus(binome, noms, fiche)
            for quoi in trouves:
                problemes.setdefault(quoi, []).append(cible)
            if not trouves:
                ev = creation.evaluation(formulaire_un, coordinateur, ids, maintenant, noms)
                coordinateurs = dict.fromkeys((coordinateur, *session.coordinateurs))
                ev = ev.model_copy(update={"coordinateurs": tuple(coordinateurs)})
                ids.add(ev.id)
                ouvertes.add((reference, bloc))
                evaluations.append(ev)
    if problemes:
        return [
            txt.LOT_PROBLEME.format(cible=", ".join(cibles), quoi=quoi) if cibles else quoi
            for quoi, cibles in problemes.items()
        ]
    return Lot(session, tuple(evaluations), tuple(deja))


def _noms_inconnus(
    binome: Mapping[str, str], noms: Mapping[str, str] | None, fiche: FicheCandidat
) -> list[str]:
    """The record names the formateur référent or a conflict of interest by a person's name,
    and an évaluateur of the pair has no known name (only the form's pickers give one): the
    independence rules could not be checked, so nothing is created for them — never assumed."""
    par_nom = [
        x for x in (fiche.formateur_referent, *fiche.conflits)
        if x and not creation.IDENTIFIANT.fullmatch(x)
    ]  # fmt: skip
    if not par_nom:  # named by their ids: those are compared, names not needed
        return []
    return [
        txt.LOT_NOM_INCONNU.format(evaluateur=qui)
        for qui in (binome["evaluateur_1"], binome["evaluateur_2"])
        if qui and not (noms or {}).get(qui)
    ]


def _binome(fiche: FicheCandidat) -> dict[str, str]:
    return {k: str(getattr(fiche, k)).strip().lower() if k.startswith("role") else
            str(getattr(fiche, k)).strip() for k in BINOME}  # fmt: skip


def _liste(elements: Sequence[str]) -> str:
    montres = ", ".join(elements[:MAX_LISTE])
    if len(elements) > MAX_LISTE:
        montres += f" (+{len(elements) - MAX_LISTE})"
    return montres


def confirmation(lot: Lot) -> tuple[Reply, ...]:
    """To the coordinateur: what was created and what was left; to each évaluateur, once,
    the evaluations they are to score (not one message per evaluation)."""
    if not lot.evaluations:
        return (say(txt.LOT_RIEN_A_CREER.format(liste=_liste(lot.deja))),)
    creees = [f"{e.candidat.reference} {e.bloc}" for e in lot.evaluations]
    textes = [txt.LOT_CREEES.format(n=len(creees), session=lot.session.nom, liste=_liste(creees))]
    if lot.deja:
        textes.append(txt.LOT_DEJA.format(liste=_liste(lot.deja)))
    textes.append(txt.LOT_EVALUATEURS_PREVENUS)
    par_evaluateur: dict[str, list[str]] = {}
    for ev in lot.evaluations:
        for evaluateur in ev.evaluateurs:
            par_evaluateur.setdefault(evaluateur.utilisateur, []).append(
                f"{ev.candidat.reference} ({ev.bloc})"
            )
    invitations = tuple(
        say(
            txt.LOT_INVITATION.format(n=len(liste), session=lot.session.nom, liste=_liste(liste)),
            to=Destination(kind="user", user=qui),
        )
        for qui, liste in par_evaluateur.items()
    )
    return (say(*textes), *invitations)
