"""Creating the evaluations of a session at once: ``creer-evaluations [session]``, then its
form (``flows.lot`` is pure: it says what to create, or every problem)."""

from __future__ import annotations

from flows import catalogue as txt
from flows import lot
from flows.conversation import Conversation
from flows.inscription import SessionCertification
from flows.messages import CommandEvent, Event, FormEvent, Reply, say
from flows.usecases import Context


def _peut(ctx: Context, utilisateur: str, session: SessionCertification | None) -> bool:
    """Who may create a session's evaluations: those who create evaluations (the configured
    coordinateurs, admins), and the session's own coordinateurs."""
    createurs = ctx.coordinateurs | ctx.admins
    return utilisateur in createurs or (
        session is not None and utilisateur in session.coordinateurs
    )


async def ouvrir(ctx: Context, evenement: Event, _: Conversation) -> tuple[Reply, ...]:
    """The form, its session filled in when the command named one."""
    utilisateur = evenement.origin.user
    sessions = await ctx.store.sessions()
    if not any(_peut(ctx, utilisateur, s) for s in sessions) and not _peut(ctx, utilisateur, None):
        return (say(txt.LOT_INTERDIT),)
    nom = evenement.args.strip() if isinstance(evenement, CommandEvent) else ""
    return (lot.formulaire({"session": nom}),)


async def envoyer(ctx: Context, evenement: FormEvent, _: Conversation) -> tuple[Reply, ...]:
    """The filled form: every problem with the form as filled, or the evaluations stored
    (each before the replies), under the creation lock (ids are never taken twice)."""
    utilisateur = evenement.origin.user
    async with ctx.creation:
        session = lot.session_nommee(
            evenement.values.get("session", ""), await ctx.store.sessions()
        )
        if isinstance(session, str):
            return (lot.formulaire(evenement.values, [session]),)
        if not _peut(ctx, utilisateur, session):
            return (say(txt.LOT_PAS_VOTRE_SESSION.format(session=session.nom)),)
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
