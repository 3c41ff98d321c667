"""What comes out of an evaluation: ``resultat``, the jury's ``export``, agreement figures."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from flows import catalogue as txt
from flows import qualite, suivi, visas
from flows.autorisation import Action, autorise
from flows.comparaison import comparer
from flows.conversation import Conversation
from flows.evaluation import Dossier
from flows.messages import CommandEvent, Fichier, Message, Paragraph, Reply
from flows.usecases import Context, designate, said


async def resultat(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    """The result with both visas; before, the provisional proposal; before that, counts."""
    inconnue = txt.CMD_EVALUATION_INCONNUE.format(evaluation=commande.args.strip()[:64])
    dossier = await designate(ctx, commande, Action.VOIR, inconnue)
    if not isinstance(dossier, Dossier):
        return dossier
    bloc = ctx.referentiel.bloc(dossier.evaluation.bloc)
    assert bloc is not None
    if dossier.visee_par_les_deux:
        return (Reply(message=visas.message_resultat(dossier, bloc)),)
    if dossier.soumise_par_les_deux:
        return (visas.proposition_consolidee(dossier, bloc, commande.origin.user),)
    if autorise(dossier.evaluation, commande.origin.user, Action.SUIVRE, ctx.admins):
        return (*said(txt.RES_PAS_ENCORE), suivi.statut(dossier, ctx.referentiel))
    return said(txt.RES_PAS_ENCORE)


async def export(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    """The jury's file: the candidate's grids, remarks, evidence, agreement figures, history."""
    utilisateur = commande.origin.user
    dossier = await designate(ctx, commande, Action.EXPORTER, txt.EXP_INTERDIT)
    if not isinstance(dossier, Dossier):
        return dossier
    if not dossier.soumise_par_les_deux:
        return said(txt.EXP_PAS_ENCORE)  # the blind rule holds for coordinateurs too
    reference = dossier.evaluation.candidat.reference
    export = await ctx.store.exporter_candidat(reference, par=utilisateur)
    accords: dict[str, Any] = {}
    donnees = export.en_json()
    # Only the evaluations this coordinateur may export: the reference is free-form,
    # another coordinateur's candidate may share it.
    exportables = [
        (d, sortie)
        for d, sortie in zip(export.dossiers, donnees["dossiers"], strict=True)
        if autorise(d.evaluation, utilisateur, Action.EXPORTER, ctx.admins)
    ]
    donnees["dossiers"] = [sortie for _, sortie in exportables]
    for d, sortie in exportables:
        bloc = ctx.referentiel.bloc(d.evaluation.bloc)
        if not d.soumise_par_les_deux:
            # Another bloc still being scored: its grids stay blind, counts only.
            for table in ("reponses", "precisions", "propositions", "accords"):
                sortie[table] = len(sortie[table])
            continue
        if bloc is not None:
            comparaison = comparer(d, bloc)
            coefficients = comparaison.accord()
            accords[d.evaluation.id] = {
                "accord_observe": comparaison.accord_observe,
                "coefficients": None if coefficients is None else asdict(coefficients),
            }
    # The history of those evaluations only: their creation, and the rest once both grids
    # are in (before, the blind rule hides whose value changed when).
    ids = {d.evaluation.id for d, _ in exportables}
    donnees["historique"] = [
        e
        for e in donnees["historique"]
        if e["evaluation"] in ids and (e["evaluation"] in accords or e["quoi"] == "evaluation")
    ]
    contenu = json.dumps({**donnees, "accords": accords}, ensure_ascii=False, indent=2)
    texte = txt.EXP_PRET.format(reference=reference, n=len(exportables))
    fichier = Fichier(nom=f"cqp-{reference}.json", contenu=contenu)
    message = Message(summary=texte, blocks=(Paragraph(text=texte),))
    return (Reply(message=message, fichier=fichier),)


async def accord(ctx: Context, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
    """Pooled agreement per évaluateur pair and overall, over the evaluations one follows."""
    utilisateur = commande.origin.user
    dossiers = []
    for ev in await ctx.store.evaluations():
        if autorise(ev, utilisateur, Action.SUIVRE, ctx.admins):
            dossier = await ctx.store.dossier(ev.id)
            if dossier is not None:
                dossiers.append(dossier)
    return (qualite.accord(dossiers, ctx.referentiel, commande.args),)
