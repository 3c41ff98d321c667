"""The application service: ``handle(event) -> replies``, the one place with effects.

For each event: if it is a retry of one of the user's recent requests (same
request id, among the last MAX_REQUETES_MEMORISEES of the last day), the
replies already given are returned and nothing is applied again; a creation
is also recognised by the request id the store recorded with it, even once
that memory is lost. Otherwise the user's conversation state is loaded, the
event is routed (a command, or the scoring conversation it belongs to), the
authorisation is checked in the domain, the flow steps, its records are
stored — each durable before anything is answered — then the new state, and
the replies are returned for the channel to send.

It runs the whole evaluation of a bloc: creation by a coordinateur
(flows.creation), scoring with comments and précisions (flows.notation, a
value code typed counting as its button), evidence (flows.preuves), the
comparison once both grids are in, reconciliation with justified proposals,
the consolidated proposal and the visas, the result posted to the results
destination (flows.rapprochement), re-opening, the jury's export, and the
commands (COMMANDES: lookups, progress, agreement figures). A typed line
while a flow waits for text is that text unless it is a command in its
shape (flows.saisie). Actions on one evaluation hold its lock (Verrous).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from pydantic import TypeAdapter

from flows import catalogue as txt
from flows import commandes, creation, designation, preuves, qualite, rapprochement, saisie
from flows.autorisation import Action, autorise
from flows.comparaison import comparer
from flows.evaluation import (
    MAX_RAISON,
    Dossier,
    Element,
    EtatConversation,
    Evaluation,
    Reouverture,
    Soumission,
)
from flows.messages import (
    MAX_ARGS,
    Button,
    ChoiceEvent,
    CommandEvent,
    Destination,
    Envoyer,
    Event,
    Fichier,
    FormEvent,
    InvalidPayload,
    Message,
    Paragraph,
    Preuve,
    Reply,
    TextEvent,
    say,
    unpack_any,
)
from flows.notation import (
    CHAMP_TEXTE,
    FORMULAIRE_TEXTE,
    Aller,
    Attente,
    EtatNotation,
    Grille,
    Noter,
    Pas,
    commencer,
    etape,
)
from flows.store import RefusStore, Store
from referentiel import Bloc, CodeValeur, Referentiel, SearchIndex

FLOW = "cqp"
Conversation = dict[str, Any]
"""A user's conversation state: what the flows keep between two messages."""
ATTENTES_DE_TEXTE = (Attente.COMMENTAIRE, Attente.PRECISIONS)
DELAI_JUSTIFICATION = timedelta(minutes=30)
"""How long a proposal waits for its justification, unless ``Service(delai_justification=…)``."""
MAX_REQUETES_MEMORISEES = 8
"""Recent requests of a user whose replies the conversation state keeps, to answer a retry
(a double click, Slack's retry seconds later). The state is rewritten at every event, so its
size is the cost of every click; an older request retried is run again, and the store still
applies none of its writes twice."""
DUREE_MEMOIRE = timedelta(hours=24)
"""How long they are kept: as long as the store recognises a retried write (storage.store)."""


_REPONSES = TypeAdapter(tuple[Reply, ...])


def _emballer(replies: tuple[Reply, ...]) -> str:
    """Replies as a short JSON-safe string: compressed JSON in base64 (a third of the size)."""
    return base64.b64encode(zlib.compress(_REPONSES.dump_json(replies), 1)).decode("ascii")


def _deballer(emballees: str) -> tuple[Reply, ...] | None:
    """The replies packed by _emballer; None if they cannot be read (then the request runs)."""
    try:
        return _REPONSES.validate_json(zlib.decompress(base64.b64decode(emballees)))
    except (ValueError, zlib.error):  # binascii.Error and ValidationError are ValueErrors
        return None


def _recentes(donnees: dict[str, Any], maintenant: datetime) -> list[dict[str, Any]]:
    """The user's recent requests (oldest first) still remembered at ``maintenant``."""
    limite = maintenant - DUREE_MEMOIRE
    return [r for r in donnees.get("recentes", ()) if datetime.fromisoformat(r["quand"]) > limite]


def _memoriser(
    anciennes: list[dict[str, Any]],
    recentes: list[dict[str, Any]],
    requete: str,
    replies: tuple[Reply, ...],
    maintenant: datetime,
) -> tuple[list[dict[str, Any]], dict[str, str | None]]:
    """``recentes`` with this request added (at most MAX_REQUETES_MEMORISEES), and the
    replies to store or forget with them (``Store.sauver_etat(…, repliques=…)``).

    ``anciennes`` is the list as stored, ``recentes`` what is still remembered of it:
    the replies of requests dropped from it, by age or number, are forgotten. The
    list itself holds ids and times only: the state is written on every event, and
    its cost grows with its size; each request's replies are written once, compressed,
    and read back only for a retry. Only the newest request keeps the replies that
    carried a file (a jury export can be megabytes): an older one is remembered as to
    be run again — an export only reads.
    """
    gardees = [
        {"requete": r["requete"], "quand": r["quand"], "rejouer": True} if r.get("fichier") else r
        for r in recentes
        if r["requete"] != requete
    ]
    entree: dict[str, Any] = {"requete": requete, "quand": maintenant.isoformat()}
    if any(r.fichier is not None for r in replies):
        entree["fichier"] = True
    liste = [*gardees, entree][-MAX_REQUETES_MEMORISEES:]
    rejouables = {r["requete"] for r in liste if not r.get("rejouer")}
    repliques: dict[str, str | None] = {  # those dropped, or whose file is dropped, are forgotten
        r["requete"]: None
        for r in anciennes
        if r["requete"] not in rejouables and not r.get("rejouer")
    }
    repliques[requete] = _emballer(replies)
    return liste, repliques


def _hors_contexte(texte: str) -> tuple[Reply, ...]:
    """A typed line that is no command: too long for the command it names, or not awaited."""
    morceaux = CommandEvent.split(texte)
    if morceaux is not None and morceaux[0] in COMMANDES and len(morceaux[1]) > MAX_ARGS:
        return _dire(
            txt.CMD_TROP_LONGUE.format(commande=morceaux[0], n=len(morceaux[1]), max=MAX_ARGS)
        )
    return _dire(txt.CMD_TEXTE_HORS_CONTEXTE)


def _commande_tapee(texte: str) -> bool:
    """Whether a typed line is a command even while a flow waits for text (flows.saisie)."""
    return texte.lstrip().startswith("/") or saisie.est_commande(texte)


def _meme_proposition(une: dict[str, str], autre: dict[str, str]) -> bool:
    return all(une[cle] == autre[cle] for cle in ("evaluation", "critere", "valeur"))


def _dire(texte: str) -> tuple[Reply, ...]:
    return (say(texte),)


def _soumis_par_les_deux(dossier: Dossier) -> bool:
    """Whether both évaluateurs have a submitted grid (the blind rule is lifted)."""
    evaluateurs = {e.utilisateur for e in dossier.evaluation.evaluateurs}
    return evaluateurs <= {s.evaluateur for s in dossier.soumissions_actives}


def _vise_par_les_deux(dossier: Dossier) -> bool:
    """Whether both évaluateurs have given their visa (since the last re-opening)."""
    evaluateurs = {e.utilisateur for e in dossier.evaluation.evaluateurs}
    return evaluateurs <= {v.evaluateur for v in dossier.visas_actifs}


class _Refus(Exception):
    """Why an action cannot be done now, as the replies that say so."""

    def __init__(self, replies: tuple[Reply, ...]) -> None:
        super().__init__("refused")
        self.replies = replies


class Verrous:
    """One ``asyncio.Lock`` per key, kept only while someone holds or awaits it.

    The service holds an evaluation's lock from reading its records to writing
    the step's ones (and reading them back to decide what follows), so two
    clicks on one evaluation at the same instant are handled one after the
    other; clicks on different evaluations never wait for each other.
    """

    def __init__(self) -> None:
        self._verrous: dict[str, asyncio.Lock] = {}
        self._usagers: Counter[str] = Counter()

    @contextlib.asynccontextmanager
    async def tenir(self, cle: str) -> AsyncIterator[None]:
        verrou = self._verrous.setdefault(cle, asyncio.Lock())
        self._usagers[cle] += 1
        try:
            async with verrou:
                yield
        finally:
            self._usagers[cle] -= 1
            if not self._usagers[cle]:
                del self._usagers[cle], self._verrous[cle]

    def __len__(self) -> int:
        """How many keys are held or awaited now."""
        return len(self._verrous)


class Service:
    """Handles channel-neutral events for every channel, over the store port.

    Lock order, to rule out deadlocks: the user's conversation, then one
    evaluation (never two at once), or the creation lock.
    """

    def __init__(
        self,
        store: Store,
        referentiel: Referentiel,
        horloge: Callable[[], datetime],
        admins: Collection[str] = (),
        coordinateurs: Collection[str] = (),
        delai_justification: timedelta = DELAI_JUSTIFICATION,
    ) -> None:
        self.store = store
        self.delai_justification = delai_justification
        """How long a proposal waits for its justification before it expires."""
        self.coordinateurs = frozenset(coordinateurs)
        self.referentiel = referentiel
        self.recherche = SearchIndex(referentiel)
        self.horloge = horloge
        self.admins = frozenset(admins)
        self.conversations = Verrous()
        """One lock per user and channel: their state is read, stepped and written in turn."""
        self.evaluations = Verrous()
        """One lock per evaluation: read → decide → write of every action on it."""
        self._verrou_creation = asyncio.Lock()

    async def handle(self, evenement: Event) -> tuple[Reply, ...]:
        """The replies to ``evenement``, after its effects are stored."""
        origine = evenement.origin
        async with self.conversations.tenir(f"{origine.channel}|{origine.user}"):
            return await self._traiter(evenement)

    async def _traiter(self, evenement: Event) -> tuple[Reply, ...]:
        origine = evenement.origin
        try:
            etat = await self.store.etat(origine.channel, origine.user)
        except RefusStore as exc:  # a damaged file, set aside: this request is not applied
            return _dire(txt.CMD_NON_ENREGISTRE.format(raison=txt.erreur_stockage(exc)))
        donnees: dict[str, Any] = dict(etat.donnees) if etat is not None else {}
        maintenant = self.horloge()
        recentes = _recentes(donnees, maintenant)
        deja = next((r for r in recentes if r["requete"] == evenement.request_id), None)
        if deja is not None and not deja.get("rejouer"):  # a retry: the same answer, nothing again
            emballees = deja.get("reponses") or await self.store.replique(
                origine.channel, origine.user, evenement.request_id
            )  # (kept in the state itself by earlier versions)
            memorisees = None if emballees is None else _deballer(emballees)
            if memorisees is not None:
                return memorisees
        try:
            replies = await self._router(evenement, donnees)
        except RefusStore as exc:
            # Nothing half-applied is acknowledged, and the request id is not recorded:
            # the same request again (a retry, or the user clicking again) tries again.
            return _dire(txt.CMD_NON_ENREGISTRE.format(raison=txt.erreur_stockage(exc)))
        donnees["recentes"], repliques = _memoriser(
            list(donnees.get("recentes", ())), recentes, evenement.request_id, replies, maintenant
        )
        for avant in ("requete", "reponses"):  # the memory of the last request only, before
            donnees.pop(avant, None)
        # The records are stored; if the state cannot be, only the cursor and the memory of
        # replies are lost — the cursor is rebuilt from the records, and the store still knows
        # the request ids it applied — so the replies still go out.
        with contextlib.suppress(RefusStore):
            await self._sauver_etat(origine.channel, origine.user, donnees, repliques)
        return replies

    async def _sauver_etat(
        self,
        canal: str,
        utilisateur: str,
        donnees: dict[str, Any],
        repliques: dict[str, str | None],
    ) -> None:
        await self.store.sauver_etat(
            EtatConversation(
                canal=canal,
                utilisateur=utilisateur,
                flow=FLOW,
                donnees=donnees,
                horodatage=self.horloge(),
            ),
            # The records were stored durably above; this state (cursor, last replies)
            # can be rebuilt from them, so it costs no fsync of its own.
            durable=False,
            repliques=repliques,
        )

    async def _router(self, evenement: Event, donnees: dict[str, Any]) -> tuple[Reply, ...]:
        """The event routed; a pending justification that expired or was left is dropped first."""
        ancienne = donnees.get("justification")
        avis = self._fin_de_justification(evenement, donnees)
        if avis and isinstance(evenement, TextEvent) and not _commande_tapee(evenement.text):
            return avis  # the text was for the proposal dropped: it is not taken as anything else
        replies = await self._aiguiller(evenement, donnees)
        nouvelle = donnees.get("justification")
        if ancienne is not None and nouvelle is not None and _meme_proposition(ancienne, nouvelle):
            avis = ()  # the same proposal clicked again: it simply waits again
        return (*avis, *replies)

    def _fin_de_justification(self, evenement: Event, donnees: dict[str, Any]) -> tuple[Reply, ...]:
        """A pending justification past its delay, or left for a click elsewhere: dropped, told."""
        en_attente = donnees.get("justification")
        if en_attente is None:
            return ()
        depuis = en_attente.get("depuis")
        expiree = (
            depuis is None
            or self.horloge() - datetime.fromisoformat(depuis) > self.delai_justification
        )
        if not expiree and not isinstance(evenement, ChoiceEvent | FormEvent):
            return ()
        del donnees["justification"]
        quoi = {"valeur": en_attente["valeur"], "critere": en_attente["critere"]}
        if not expiree:
            return _dire(txt.SRV_JUSTIFICATION_ABANDONNEE.format(**quoi))
        ecarts = Button(
            label=txt.RAP_BOUTON_LISTE,
            payload=rapprochement.Rapprocher(
                evaluation=en_attente["evaluation"], action="liste"
            ).pack(),
        )
        texte = txt.SRV_JUSTIFICATION_EXPIREE.format(**quoi, minutes=self._minutes())
        return (say(texte, buttons=(ecarts,)),)

    def _minutes(self) -> int:
        return max(1, int(self.delai_justification.total_seconds() // 60))

    def _valeur_attendue(self, donnees: dict[str, Any]) -> bool:
        """Whether a critère is shown to this user, waiting for its value (which may be typed)."""
        actif = donnees.get("actif")
        notation = donnees.get("notation", {}).get(actif) if actif else None
        return (
            notation is not None
            and donnees.get("justification") is None
            and EtatNotation.model_validate(notation).attente is Attente.VALEUR
        )

    def _texte_attendu(self, donnees: dict[str, Any]) -> bool:
        """Whether a flow waits for free text from this user (a justification, a comment…)."""
        if donnees.get("justification") is not None:
            return True
        actif = donnees.get("actif")
        notation = donnees.get("notation", {}).get(actif) if actif else None
        return (
            notation is not None
            and EtatNotation.model_validate(notation).attente in ATTENTES_DE_TEXTE
        )

    async def _rappel(self, donnees: dict[str, Any]) -> tuple[Reply, ...]:
        """What a flow still waits for, after a command typed meanwhile; nothing if nothing."""
        en_attente = donnees.get("justification")
        if en_attente is not None:
            texte = txt.SRV_RAPPEL_JUSTIFICATION.format(
                valeur=en_attente["valeur"], critere=en_attente["critere"]
            )
            return _dire(texte)
        if not self._texte_attendu(donnees):
            return ()
        etat = EtatNotation.model_validate(donnees["notation"][donnees["actif"]])
        if etat.attente is Attente.PRECISIONS:
            return _dire(txt.SRV_RAPPEL_PRECISIONS.format(competence=etat.competence))
        dossier = await self.store.dossier(etat.evaluation)
        bloc = self.referentiel.bloc(dossier.evaluation.bloc) if dossier is not None else None
        if bloc is None or not 0 <= etat.position < len(bloc.criteres):
            return ()
        return _dire(txt.SRV_RAPPEL_COMMENTAIRE.format(critere=bloc.criteres[etat.position].id))

    async def _aiguiller(self, evenement: Event, donnees: dict[str, Any]) -> tuple[Reply, ...]:
        if isinstance(evenement, FormEvent) and evenement.form.startswith(FORMULAIRE_TEXTE):
            # The awaited text, sent from a form (a Slack modal): taken as typed, never as a
            # command; if nothing waits for it any more, the scoring says what it expects.
            evaluation_id = evenement.form.removeprefix(FORMULAIRE_TEXTE)
            saisi = TextEvent(
                origin=evenement.origin, request_id=evenement.request_id,
                text=evenement.values.get(CHAMP_TEXTE, ""),
            )  # fmt: skip
            return await self._noter(saisi, evaluation_id, donnees)
        if isinstance(evenement, FormEvent):
            if preuves.evaluation_visee(evenement) is not None:
                return await self._preuves(evenement, donnees)
            return await self._creation(evenement, donnees)
        if isinstance(evenement, ChoiceEvent):
            try:
                charge = unpack_any(
                    evenement.payload,
                    (
                        Noter,
                        Aller,
                        Envoyer,
                        Preuve,
                        rapprochement.Rapprocher,
                        rapprochement.Consolider,
                        designation.Commande,
                    ),
                )
            except InvalidPayload:
                return _dire(txt.NOTE_CHOIX_INVALIDE)
            if isinstance(charge, designation.Commande):  # one evaluation chosen from a list
                choisie = CommandEvent(
                    origin=evenement.origin, request_id=evenement.request_id,
                    name=charge.nom, args=charge.evaluation,
                )  # fmt: skip
                return await self._commande(choisie, donnees)
            if isinstance(charge, Envoyer) and charge.formulaire.startswith(FORMULAIRE_TEXTE):
                # A channel that opens the prompt's input elsewhere (a modal): the prompt again.
                evaluation_id = charge.formulaire.removeprefix(FORMULAIRE_TEXTE)
                reprendre = evenement.model_copy(
                    update={"payload": Aller(evaluation=evaluation_id, action="reprendre").pack()}
                )
                return await self._noter(reprendre, evaluation_id, donnees)
            if isinstance(charge, Envoyer | Preuve):  # Envoyer: a channel sent the button
                if preuves.evaluation_visee(evenement) is not None:
                    return await self._preuves(evenement, donnees)
                return await self._creation(evenement, donnees)
            if isinstance(charge, rapprochement.Rapprocher | rapprochement.Consolider):
                return await self._rapprocher(evenement, charge, donnees)
            assert isinstance(charge, Noter | Aller)
            return await self._noter(evenement, charge.evaluation, donnees)
        if isinstance(evenement, TextEvent) and evenement.text.lstrip().startswith("/"):
            commande = CommandEvent.parse(evenement.origin, evenement.request_id, evenement.text)
            if commande is None:
                return _hors_contexte(evenement.text)
            evenement = commande
        annulation = isinstance(evenement, CommandEvent) and saisie.est_annulation(
            f"{evenement.name} {evenement.args}"
        )
        if annulation:  # « /cqp annuler » is « annuler »
            evenement = TextEvent(
                origin=evenement.origin, request_id=evenement.request_id, text=saisie.ANNULER
            )
        if isinstance(evenement, TextEvent):
            texte = evenement.text
            attendu = self._texte_attendu(donnees)
            if attendu and not _commande_tapee(texte):
                # The text awaited (or « annuler »): the justification first, it is the newest.
                en_attente = donnees.get("justification")
                if en_attente is not None:
                    return await self._justifier(evenement, en_attente, donnees)
                return await self._noter(evenement, str(donnees["actif"]), donnees)
            if not attendu and saisie.est_valeur(texte) and self._valeur_attendue(donnees):
                return await self._noter(evenement, str(donnees["actif"]), donnees)
            if not attendu and saisie.est_annulation(texte):
                return _dire(txt.SRV_RIEN_A_ANNULER)
            commande = CommandEvent.parse(evenement.origin, evenement.request_id, texte)
            if commande is None:
                return _hors_contexte(texte)
            evenement = commande
        if isinstance(evenement, CommandEvent):
            # A command while a flow waits for text: answered, and the flow keeps waiting.
            return (*await self._commande(evenement, donnees), *await self._rappel(donnees))
        return (commandes.aide(),)

    async def _commande(self, commande: CommandEvent, donnees: Conversation) -> tuple[Reply, ...]:
        """A command, looked up in COMMANDES; an unknown one gets the help and a suggestion.

        ``donnees`` is the user's conversation state, for the commands that open a
        conversation (``nouvelle``, ``entretien``).
        """
        action = COMMANDES.get(commande.name)
        if action is None:
            return (commandes.aide(inconnue=commande.name),)
        return await action(self, commande, donnees)

    async def _aide(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        return (commandes.aide(),)

    async def _critere(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        return (commandes.critere(self.recherche, commande.args),)

    async def _bloc(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        return (commandes.bloc(self.referentiel, commande.args),)

    async def _nouvelle(self, commande: CommandEvent, donnees: Conversation) -> tuple[Reply, ...]:
        return await self._creation(commande, donnees)

    async def _entretien(self, commande: CommandEvent, donnees: Conversation) -> tuple[Reply, ...]:
        dossier = await self._designer(commande, Action.NOTER, txt.CMD_INTERDIT_NOTER)
        if not isinstance(dossier, Dossier):
            return dossier
        return await self._preuves(
            commande.model_copy(update={"args": dossier.evaluation.id}), donnees
        )

    async def _accord(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        """Pooled agreement per évaluateur pair and overall, over the evaluations one follows."""
        utilisateur = commande.origin.user
        dossiers = []
        for ev in await self.store.evaluations():
            if autorise(ev, utilisateur, Action.SUIVRE, self.admins):
                dossier = await self.store.dossier(ev.id)
                if dossier is not None:
                    dossiers.append(dossier)
        return (qualite.accord(dossiers, self.referentiel, commande.args),)

    async def _mes_evaluations(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        utilisateur = commande.origin.user
        dossiers = []
        for ev in await self.store.evaluations():
            if autorise(ev, utilisateur, Action.NOTER):
                dossier = await self.store.dossier(ev.id)
                if dossier is not None:
                    dossiers.append(dossier)
        return (commandes.mes_evaluations(utilisateur, dossiers, self.referentiel),)

    async def _statut(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        if not commande.args.strip():  # alone: where the evaluations one follows stand
            utilisateur = commande.origin.user
            suivies = sorted(
                (
                    ev for ev in await self.store.evaluations()
                    if autorise(ev, utilisateur, Action.SUIVRE, self.admins)
                ),
                key=lambda ev: ev.horodatage, reverse=True,
            )  # fmt: skip
            # Only the most recent are read (an admin follows every evaluation stored).
            dossiers = [
                d
                for ev in suivies[: commandes.MAX_MES_EVALUATIONS]
                if (d := await self.store.dossier(ev.id)) is not None
            ]
            if dossiers:
                return (commandes.suivi(dossiers, len(suivies), self.referentiel, utilisateur),)
        dossier = await self._designer(commande, Action.SUIVRE, txt.CMD_STATUT_INTERDIT)
        if not isinstance(dossier, Dossier):
            return dossier
        return (commandes.statut(dossier, self.referentiel),)

    async def _relancer(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        dossier = await self._designer(commande, Action.SUIVRE, txt.CMD_RELANCER_INTERDIT)
        if not isinstance(dossier, Dossier):
            return dossier
        return commandes.relances(dossier, self.referentiel)

    async def _designer(
        self,
        commande: CommandEvent,
        action: Action,
        refus: str,
        texte: str | None = None,
        usage: str | None = None,
    ) -> Dossier | tuple[Reply, ...]:
        """The evaluation a command names (id or candidate reference), or the replies that help."""
        choisie = designation.designer(
            commande.args if texte is None else texte, await self.store.evaluations(),
            commande.origin.user, action, commande.name, refus, self.admins, usage,
        )  # fmt: skip
        if isinstance(choisie, Reply):
            return (choisie,)
        dossier = await self.store.dossier(choisie.id)
        if dossier is None:  # erased since
            return _dire(txt.CMD_EVALUATION_INCONNUE.format(evaluation=choisie.id))
        return dossier

    async def _dossier_rapprochable(
        self, evaluation_id: str, utilisateur: str
    ) -> tuple[Dossier, Bloc]:
        """The evaluation, if ``utilisateur`` may reconcile it now; else _Refus says why not."""
        dossier = await self.store.dossier(evaluation_id)
        if dossier is None or not autorise(dossier.evaluation, utilisateur, Action.RAPPROCHER):
            raise _Refus(_dire(txt.RAP_INTERDIT))
        soumis = {s.evaluateur for s in dossier.soumissions_actives}
        if not {e.utilisateur for e in dossier.evaluation.evaluateurs} <= soumis:
            raise _Refus(
                _dire(txt.RAP_PAS_ENCORE)
            )  # the blind rule: nothing of the other grid before
        bloc = self.referentiel.bloc(dossier.evaluation.bloc)
        assert bloc is not None
        return dossier, bloc

    async def _rapprocher(
        self,
        evenement: ChoiceEvent,
        charge: rapprochement.Rapprocher | rapprochement.Consolider,
        donnees: dict[str, Any],
    ) -> tuple[Reply, ...]:
        async with self.evaluations.tenir(charge.evaluation):
            return await self._rapprocher_verrouille(evenement, charge, donnees)

    async def _rapprocher_verrouille(
        self,
        evenement: ChoiceEvent,
        charge: rapprochement.Rapprocher | rapprochement.Consolider,
        donnees: dict[str, Any],
    ) -> tuple[Reply, ...]:
        utilisateur = evenement.origin.user
        try:
            dossier, bloc = await self._dossier_rapprochable(charge.evaluation, utilisateur)
        except _Refus as refus:
            return refus.replies
        maintenant = self.horloge()
        if isinstance(charge, rapprochement.Consolider):
            if charge.action == "voir":
                return (rapprochement.proposition_consolidee(dossier, bloc, utilisateur),)
            resultat = rapprochement.viser(dossier, bloc, utilisateur, maintenant)
        elif _vise_par_les_deux(dossier):
            # The proposal both signed is final until a coordinateur re-opens it.
            return _dire(txt.RAP_VISE)
        elif charge.action == "liste":
            return (rapprochement.liste(dossier, bloc, utilisateur),)
        elif charge.action == "proposer":
            ouvertes = {
                ligne.critere
                for ligne in rapprochement.a_rapprocher(comparer(dossier, bloc), dossier)
            }
            if (
                charge.critere not in ouvertes
                or not rapprochement.permis(dossier, charge.critere, "proposer")
                or charge.valeur not in CodeValeur.__members__
            ):
                return (
                    *_dire(txt.RAP_PROPOSITION_PERIMEE),
                    rapprochement.liste(dossier, bloc, utilisateur),
                )
            donnees["justification"] = {
                "evaluation": charge.evaluation, "critere": charge.critere, "valeur": charge.valeur,
                "depuis": maintenant.isoformat(),
            }  # fmt: skip
            demande = rapprochement.demander_justification(
                charge.critere, CodeValeur(charge.valeur), self._minutes()
            )
            return (demande,)
        else:
            resultat = rapprochement.accepter(
                dossier, bloc, utilisateur, charge.critere, charge.valeur, maintenant
            )
        await self._enregistrer(
            charge.evaluation, resultat.enregistrements, utilisateur, evenement.request_id
        )
        return resultat.replies

    async def _justifier(
        self, evenement: TextEvent, en_attente: dict[str, str], donnees: dict[str, Any]
    ) -> tuple[Reply, ...]:
        if saisie.est_annulation(evenement.text):
            del donnees["justification"]
            return _dire(
                txt.SRV_JUSTIFICATION_ANNULEE.format(
                    valeur=en_attente["valeur"], critere=en_attente["critere"]
                )
            )
        async with self.evaluations.tenir(en_attente["evaluation"]):
            return await self._justifier_verrouille(evenement, en_attente, donnees)

    async def _justifier_verrouille(
        self, evenement: TextEvent, en_attente: dict[str, str], donnees: dict[str, Any]
    ) -> tuple[Reply, ...]:
        utilisateur = evenement.origin.user
        try:
            dossier, _ = await self._dossier_rapprochable(en_attente["evaluation"], utilisateur)
        except _Refus as refus:
            donnees.pop("justification", None)
            return refus.replies
        if _vise_par_les_deux(dossier) or not rapprochement.permis(
            dossier, en_attente["critere"], "proposer"
        ):
            donnees.pop("justification", None)
            return _dire(txt.RAP_PROPOSITION_PERIMEE)
        resultat = rapprochement.proposer(
            dossier, utilisateur, en_attente["critere"], CodeValeur(en_attente["valeur"]),
            evenement.text.strip(), self.horloge(),
        )  # fmt: skip
        if resultat.enregistrements:
            await self._enregistrer(
                en_attente["evaluation"],
                resultat.enregistrements,
                utilisateur,
                evenement.request_id,
            )
            donnees.pop("justification", None)
        return resultat.replies

    async def _enregistrer(
        self, evaluation_id: str, enregistrements: Sequence[Element], par: str, requete: str
    ) -> None:
        """Store a step's records, each under a request id of its own (retries apply once).

        The id names who sent it: request ids are unique per channel and person, not
        across the two évaluateurs of one evaluation (whose records share a shard).
        """
        for i, enregistrement in enumerate(enregistrements):
            await self.store.enregistrer(
                evaluation_id, enregistrement, par=par, requete=f"{par}|{requete}#{i}"
            )

    async def _resultat(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        """The result with both visas; before, the provisional proposal; before that, counts."""
        inconnue = txt.CMD_EVALUATION_INCONNUE.format(evaluation=commande.args.strip()[:64])
        dossier = await self._designer(commande, Action.VOIR, inconnue)
        if not isinstance(dossier, Dossier):
            return dossier
        bloc = self.referentiel.bloc(dossier.evaluation.bloc)
        assert bloc is not None
        evaluateurs = {e.utilisateur for e in dossier.evaluation.evaluateurs}
        if evaluateurs <= {v.evaluateur for v in dossier.visas_actifs}:
            return (Reply(message=rapprochement.message_resultat(dossier, bloc)),)
        if evaluateurs <= {s.evaluateur for s in dossier.soumissions_actives}:
            return (rapprochement.proposition_consolidee(dossier, bloc, commande.origin.user),)
        if autorise(dossier.evaluation, commande.origin.user, Action.SUIVRE, self.admins):
            return (*_dire(txt.RES_PAS_ENCORE), commandes.statut(dossier, self.referentiel))
        return _dire(txt.RES_PAS_ENCORE)

    async def _export(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        """The jury's file: the candidate's grids, remarks, evidence, agreement figures, history."""
        utilisateur = commande.origin.user
        dossier = await self._designer(commande, Action.EXPORTER, txt.EXP_INTERDIT)
        if not isinstance(dossier, Dossier):
            return dossier
        if not _soumis_par_les_deux(dossier):
            return _dire(txt.EXP_PAS_ENCORE)  # the blind rule holds for coordinateurs too
        reference = dossier.evaluation.candidat.reference
        export = await self.store.exporter_candidat(reference, par=utilisateur)
        accords: dict[str, Any] = {}
        donnees = export.en_json()
        # Only the evaluations this coordinateur may export: the reference is free-form,
        # another coordinateur's candidate may share it.
        exportables = [
            (d, sortie)
            for d, sortie in zip(export.dossiers, donnees["dossiers"], strict=True)
            if autorise(d.evaluation, utilisateur, Action.EXPORTER, self.admins)
        ]
        donnees["dossiers"] = [sortie for _, sortie in exportables]
        for d, sortie in exportables:
            bloc = self.referentiel.bloc(d.evaluation.bloc)
            if not _soumis_par_les_deux(d):
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
        return (
            Reply(message=Message(summary=texte, blocks=(Paragraph(text=texte),)), fichier=fichier),
        )

    async def _rouvrir(self, commande: CommandEvent, _: Conversation) -> tuple[Reply, ...]:
        """A coordinateur re-opens an evaluation, with a reason; the évaluateurs are told why."""
        nom, _espace, raison = commande.args.strip().partition(" ")
        utilisateur = commande.origin.user
        dossier = await self._designer(
            commande, Action.ROUVRIR, txt.ROUV_INTERDIT, texte=nom, usage=txt.ROUV_USAGE
        )
        if not isinstance(dossier, Dossier):
            return dossier
        evaluation_id = dossier.evaluation.id
        if not raison.strip():
            return _dire(txt.ROUV_RAISON.format(evaluation=evaluation_id))
        if len(raison.strip()) > MAX_RAISON:
            return _dire(txt.ROUV_RAISON_TROP_LONGUE.format(n=len(raison.strip()), max=MAX_RAISON))
        reouverture = Reouverture(par=utilisateur, raison=raison.strip(), horodatage=self.horloge())
        async with self.evaluations.tenir(evaluation_id):
            await self._enregistrer(evaluation_id, (reouverture,), utilisateur, commande.request_id)
        info = txt.ROUV_INFO.format(
            evaluation=evaluation_id, reference=dossier.evaluation.candidat.reference,
            par=utilisateur, raison=reouverture.raison,
        )  # fmt: skip
        return (
            *_dire(txt.ROUV_FAITE.format(evaluation=evaluation_id, raison=reouverture.raison)),
            *(
                Reply(
                    message=Message(summary=info[:3000], blocks=(Paragraph(text=info[:3000]),)),
                    to=Destination(kind="user", user=e.utilisateur),
                )
                for e in dossier.evaluation.evaluateurs
            ),
        )

    async def _creation(self, evenement: Event, donnees: dict[str, Any]) -> tuple[Reply, ...]:
        """A step of the creation (flows.creation); the evaluation is stored before the replies.

        Under one lock (two forms at once never pick the same id). A form already
        applied — a retry whose state memory was lost — is recognised by the request
        id the store recorded with the evaluation: the same replies, nothing created.
        """
        utilisateur = evenement.origin.user
        async with self._verrou_creation:
            existantes = await self.store.evaluations()
            deja = (
                await self._deja_creee(evenement, existantes)
                if isinstance(evenement, FormEvent)
                else None
            )
            ctx = creation.Contexte(
                utilisateur=utilisateur,
                createurs=self.coordinateurs | self.admins,
                referentiel=self.referentiel,
                existantes=frozenset(e.id for e in existantes if deja is None or e.id != deja.id),
                maintenant=self.horloge(),
            )
            etat = creation.EtatCreation.model_validate(donnees.get("creation", {}))
            pas = creation.etape(etat, evenement, ctx)
            if pas.evaluation is not None and deja is None:
                await self.store.creer(
                    pas.evaluation, par=utilisateur, requete=evenement.request_id
                )
        donnees["creation"] = pas.etat.model_dump(mode="json")
        return pas.replies

    async def _preuves(self, evenement: Event, donnees: dict[str, Any]) -> tuple[Reply, ...]:
        """A step of the evidence (flows.preuves); the entretien is stored before the replies."""
        evaluation_id = preuves.evaluation_visee(evenement)
        if evaluation_id is None:
            return await self._preuves_verrouillees(evenement, None, donnees)
        async with self.evaluations.tenir(evaluation_id):
            return await self._preuves_verrouillees(evenement, evaluation_id, donnees)

    async def _preuves_verrouillees(
        self, evenement: Event, evaluation_id: str | None, donnees: dict[str, Any]
    ) -> tuple[Reply, ...]:
        utilisateur = evenement.origin.user
        dossier = await self.store.dossier(evaluation_id) if evaluation_id else None
        ctx = preuves.Contexte(
            utilisateur=utilisateur,
            dossier=dossier,
            bloc=self.referentiel.bloc(dossier.evaluation.bloc) if dossier else None,
            maintenant=self.horloge(),
        )
        pas = preuves.etape(
            preuves.EtatPreuve.model_validate(donnees.get("preuves", {})), evenement, ctx
        )
        if pas.entretien is not None and dossier is not None:
            await self._enregistrer(
                dossier.evaluation.id, (pas.entretien,), utilisateur, evenement.request_id
            )
        donnees["preuves"] = pas.etat.model_dump(mode="json")
        return pas.replies

    async def _deja_creee(
        self, evenement: FormEvent, existantes: Sequence[Evaluation]
    ) -> Evaluation | None:
        """The evaluation this very request created, if it is a retry (the store knows its id).

        Only the evaluations this form could have created are asked: its
        coordinateur's, with the id the form's candidate and bloc lead to.
        """
        try:
            base = creation.evaluation(
                evenement.values, evenement.origin.user, (), self.horloge()
            ).id
        except ValueError:  # a form with problems created nothing (creation.etape says why)
            return None
        for ev in existantes:
            suffixe = ev.id.removeprefix(base)
            if (
                (suffixe == "" or (suffixe[:1] == "-" and suffixe[1:].isdigit()))
                and evenement.origin.user in ev.coordinateurs
                and await self.store.requete_traitee(ev.id, evenement.request_id)
            ):
                return ev
        return None

    async def _noter(
        self, evenement: Event, evaluation_id: str, donnees: dict[str, Any]
    ) -> tuple[Reply, ...]:
        """One step of the scoring of ``evaluation_id``, for the évaluateur who sent it."""
        async with self.evaluations.tenir(evaluation_id):
            return await self._noter_verrouille(evenement, evaluation_id, donnees)

    async def _noter_verrouille(
        self, evenement: Event, evaluation_id: str, donnees: dict[str, Any]
    ) -> tuple[Reply, ...]:
        utilisateur = evenement.origin.user
        dossier = await self.store.dossier(evaluation_id)
        if dossier is None or not autorise(dossier.evaluation, utilisateur, Action.NOTER):
            return _dire(txt.CMD_INTERDIT_NOTER)
        bloc = self.referentiel.bloc(dossier.evaluation.bloc)
        assert bloc is not None
        grille = Grille.de_dossier(dossier, utilisateur)
        maintenant = self.horloge()
        notations = dict(donnees.get("notation", {}))
        stocke = notations.get(evaluation_id)
        if stocke is None:
            pas: Pas = commencer(evaluation_id, utilisateur, grille, bloc, maintenant)
            if not (
                isinstance(evenement, ChoiceEvent) and evenement.payload.startswith(Aller.PREFIX)
            ):
                pas = etape(pas.etat, evenement, grille, bloc, maintenant)
        else:
            pas = etape(EtatNotation.model_validate(stocke), evenement, grille, bloc, maintenant)
        await self._enregistrer(
            evaluation_id, pas.enregistrements, utilisateur, evenement.request_id
        )
        notations[evaluation_id] = pas.etat.model_dump(mode="json")
        donnees.update(notation=notations, actif=evaluation_id)
        if any(isinstance(e, Soumission) for e in pas.enregistrements):
            return pas.replies + await self._si_les_deux_ont_soumis(evaluation_id)
        return pas.replies

    async def _si_les_deux_ont_soumis(self, evaluation_id: str) -> tuple[Reply, ...]:
        """When the second grid is submitted: the comparison and the agenda, to both évaluateurs."""
        dossier = await self.store.dossier(evaluation_id)
        assert dossier is not None
        soumis = {s.evaluateur for s in dossier.soumissions_actives}
        evaluateurs = [e.utilisateur for e in dossier.evaluation.evaluateurs]
        if not set(evaluateurs) <= soumis:
            return ()
        bloc = self.referentiel.bloc(dossier.evaluation.bloc)
        assert bloc is not None
        return tuple(commandes.comparaison(dossier, bloc, u) for u in evaluateurs)


CommandeAction = Callable[[Service, CommandEvent, Conversation], Awaitable[tuple[Reply, ...]]]

COMMANDES: dict[str, CommandeAction] = {
    "accord": Service._accord,
    "aide": Service._aide,
    "critere": Service._critere,
    "bloc": Service._bloc,
    "entretien": Service._entretien,
    "export": Service._export,
    "mes-evaluations": Service._mes_evaluations,
    "nouvelle": Service._nouvelle,
    "relancer": Service._relancer,
    "resultat": Service._resultat,
    "rouvrir": Service._rouvrir,
    "statut": Service._statut,
}
"""The commands, same words on every channel (docs/flows.md lists them; a test checks)."""
