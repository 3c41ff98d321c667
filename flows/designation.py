"""What a command's argument names: an evaluation (by id or candidate reference), a bloc.

People say « statut C042 », not « statut ev-C042-B1 ». A command's argument
is looked up among the evaluations the user may act on *for that command*
(:mod:`flows.autorisation`): first as an evaluation id, then as a candidate
reference. A reference with several evaluations (one per bloc, or a bloc
evaluated again) gets the list, each with a button that runs the command on
it; nothing typed gets the same list.

An argument that names nothing gets help: what to type, and the closest ids
and references — taken only from the evaluations the user may act on, so a
suggestion never reveals that someone else's evaluation exists. An
evaluation the user can see but not act on this way (an évaluateur asking
for both grids' counts) gets the command's own refusal.

A bloc is typed « B1 », « b1 », « bloc 1 » or « 1 » (:func:`code_de_bloc`).

Pure functions; the service loads the evaluations' headers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Literal, get_args

from rapidfuzz import fuzz, process

from flows import catalogue as txt
from flows.autorisation import Action, autorise
from flows.evaluation import Evaluation
from flows.messages import (
    MAX_BUTTON_LABEL,
    MAX_CONTEXT,
    MAX_FIELDS,
    Button,
    Choices,
    Context,
    Fields,
    Message,
    Paragraph,
    Reply,
    shorten,
)
from flows.payloads import (
    Payload,
)

MAX_CHOIX = 20
"""Evaluations listed in one message: two blocks of fields, one row of buttons."""
MAX_SUGGESTIONS = 3


CommandeSurEvaluation = Literal["statut", "resultat", "export", "entretien", "relancer"]
"""The commands whose only argument is an evaluation: a button can run them."""


class Commande(Payload):
    """Button « run this command on this evaluation », offered when several could be meant."""

    PREFIX = "c"
    nom: CommandeSurEvaluation
    evaluation: str


def boutons_commande(commande: str, evaluations: Sequence[Evaluation]) -> Choices | None:
    """A button per evaluation running ``commande`` on it; None if a button cannot run it."""
    if commande not in get_args(CommandeSurEvaluation) or not evaluations:
        return None
    return Choices(
        buttons=tuple(
            Button(
                label=shorten(
                    txt.DES_BOUTON.format(commande=commande, evaluation=ev.id), MAX_BUTTON_LABEL
                ),
                payload=Commande.model_validate({"nom": commande, "evaluation": ev.id}).pack(),
            )
            for ev in evaluations
        )
    )


def code_de_bloc(texte: str) -> str:
    """``B1`` from what people type: « b1 », « B 1 », « bloc 1 », « 1 »."""
    code = re.sub(r"\s+", "", texte).upper().removeprefix(txt.MOT_BLOC.upper())
    return f"B{code}" if code.isdigit() else code


def _tri(ev: Evaluation) -> tuple[str, str, str]:
    return ev.candidat.reference.casefold(), ev.bloc, ev.id


def _meme(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


def liste(commande: str, evaluations: Sequence[Evaluation], intro: str, usage: str) -> Reply:
    """``intro``, the evaluations (id, candidate reference, bloc) with their buttons, ``usage``."""
    montrees = sorted(evaluations, key=_tri)[:MAX_CHOIX]
    lignes = [
        (ev.id, txt.DES_LIGNE.format(reference=ev.candidat.reference, bloc=ev.bloc))
        for ev in montrees
    ]
    blocs: list[Paragraph | Fields | Context | Choices] = [Paragraph(text=shorten(intro))]
    blocs += [
        Fields(items=tuple(lignes[i : i + MAX_FIELDS])) for i in range(0, len(lignes), MAX_FIELDS)
    ]
    if len(evaluations) > len(montrees):
        blocs.append(Context(text=txt.DES_AUTRES.format(n=len(evaluations) - len(montrees))))
    boutons = boutons_commande(commande, montrees)
    if boutons is not None:
        blocs.append(boutons)
    blocs.append(Context(text=shorten(usage, MAX_CONTEXT)))
    return Reply(message=Message(summary=shorten(intro), blocks=tuple(blocs)))


def suggestions(texte: str, evaluations: Sequence[Evaluation]) -> list[str]:
    """The ids and references closest to ``texte``, best first."""
    noms = sorted({n for ev in evaluations for n in (ev.id, ev.candidat.reference)})
    proches = process.extract(
        texte.casefold(),
        noms,
        scorer=fuzz.ratio,
        processor=str.casefold,
        limit=MAX_SUGGESTIONS,
        score_cutoff=70,
    )
    return [nom for nom, _, _ in proches]


def inconnue(commande: str, texte: str, permises: Sequence[Evaluation], usage: str) -> Reply:
    """Nothing by that name among the user's evaluations: what to type, and the closest names."""
    textes = [txt.CMD_EVALUATION_INCONNUE.format(evaluation=shorten(texte, 64))]
    proches = suggestions(texte, permises)
    if proches:
        textes.append(
            txt.DES_VOULIEZ_VOUS.format(
                propositions=", ".join(txt.DES_PROPOSITION.format(nom=p) for p in proches)
            )
        )
    textes.append(usage)
    blocs: list[Paragraph | Choices] = [Paragraph(text=shorten(t)) for t in textes]
    visees = [
        ev
        for ev in sorted(permises, key=_tri)
        if ev.id in proches or ev.candidat.reference in proches
    ][:MAX_CHOIX]
    boutons = boutons_commande(commande, visees)
    if boutons is not None:
        blocs.append(boutons)
    return Reply(message=Message(summary=shorten(textes[0]), blocks=tuple(blocs)))


def designer(
    texte: str,
    evaluations: Sequence[Evaluation],
    utilisateur: str,
    action: Action,
    commande: str,
    refus: str,
    admins: Collection[str] = (),
    usage: str | None = None,
) -> Evaluation | Reply:
    """The one evaluation ``texte`` names for ``commande``, or the reply that helps choose.

    Args:
        texte: what was typed after the command: an evaluation id or a candidate reference.
        evaluations: every evaluation's header.
        utilisateur: who typed it.
        action: what the command does (who may do it decides what can be named).
        commande: the command's name, for the buttons and the help.
        refus: the command's refusal, for an evaluation the user sees but may not act on.
        usage: how to type the command (by default: the command and an evaluation).
    """
    usage = usage or txt.DES_USAGE.format(commande=commande)
    q = texte.strip()
    permises = [ev for ev in evaluations if autorise(ev, utilisateur, action, admins)]
    if not q:
        if not permises:
            return Reply(message=_message(txt.DES_AUCUNE))
        return liste(commande, permises, txt.DES_CHOISIR, usage)
    for trouvees in (
        [ev for ev in permises if ev.id == q],
        [ev for ev in permises if _meme(ev.id, q)],
        [ev for ev in permises if _meme(ev.candidat.reference, q)],
    ):
        if len(trouvees) == 1:
            return trouvees[0]
        if trouvees:
            intro = txt.DES_PLUSIEURS.format(reference=q, n=len(trouvees))
            return liste(commande, trouvees, intro, usage)
    if any(
        (_meme(ev.id, q) or _meme(ev.candidat.reference, q))
        and autorise(ev, utilisateur, Action.VOIR, admins)
        for ev in evaluations
    ):
        return Reply(message=_message(refus))
    return inconnue(commande, q, permises, usage)


def _message(texte: str) -> Message:
    return Message(summary=shorten(texte), blocks=(Paragraph(text=shorten(texte)),))
