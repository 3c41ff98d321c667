"""Creating the evaluations of a session at once: ``creer-evaluations [session]``, then its
form (``flows.lot`` is pure: it says what to create, or every problem)."""

from __future__ import annotations

from flows import catalogue as txt
from flows import lot
from flows.conversation import Conversation
from flows.inscription import SessionCertification
from flows.messages import CommandEvent, Event, FormEvent, Reply, say
from flows.usecases import Context


def _peut(ctx: Context, utilisateur: str, session: SessionCertification) -> bool:
    """Who may create a session's evaluations: its coordinateurs, and admins — the import's
    rule (``bot.web.inscriptions``); a session nobody coordinates, admins only."""
    return utilisateur in ctx.admins or utilisateur in session.coordinateurs


async def _leurs_sessions(ctx: Context, utilisateur: str) -> list[SessionCertification]:
    """The sessions ``utilisateur`` may create evaluations in: the only ones they are told of."""
    return [s for s in await ctx.store.sessions() if _peut(ctx, utilisateur, s)]


async def ouvrir(ctx: Context, evenement: Event, _: Conversation) -> tuple[Reply, ...]:
    """The form, its session filled in when the command named one."""
    if not await _leurs_sessions(ctx, evenement.origin.user):
        return (say(txt.LOT_INTERDIT),)
    nom = evenement.args.strip() if isinstance(evenement, CommandEvent) else ""
    return (lot.formulaire({"session": nom}),)


async def envoyer(ctx: Context, evenement: FormEvent, _: Conversation) -> tuple[Reply, ...]:
    """The filled form: every problem with the form as filled, or the evaluations stored
    (each before the replies), under the creation lock (ids are never taken twice)."""
    utilisateur = evenement.origin.user
    async with ctx.creation:
        leurs = await _leurs_sessions(ctx, utilisateur)
        if not leurs:  # checked first: nothing is said of any session to anyone else
            return (say(txt.LOT_INTERDIT),)
        session = lot.session_du_formulaire(evenement.values.get("session", ""), leurs)
        if isinstance(session, str):
            return (lot.formulaire(evenement.values, [session]),)
        prepare = lot.preparer(
            evenement.values, session, {f.reference: f for f in await ctx.store.fiches()},
            await ctx.store.evaluations(), ctx.referentiel, utilisateur, ctx.clock(),
            evenement.names,
        )  # fmt: skip
        if isinstance(prepare, list):
            return (lot.formulaire(evenement.values, prepare),)
        for ev in prepare.evaluations:
            await ctx.store.creer(ev, par=utilisateur, requete=evenement.request_id)
    return lot.confirmation(prepare)
