"""Teams' sends, through the turn at hand or a stored reference: :mod:`bot.delivery`'s transport."""

from __future__ import annotations

from dataclasses import dataclass

from microsoft_agents.activity import Activity
from microsoft_agents.hosting.core import TurnContext

from bot.delivery import Privacy
from bot.teams import activities
from bot.teams.addresses import CHANNEL, Addresses, conversation_key
from bot.teams.files import Files
from bot.teams.settings import TeamsSettings
from flows import catalogue
from flows.messages import Fichier, Message, propose
from flows.store import Store


@dataclass
class TeamsAt:
    """The turn an event came in, and who acted."""

    context: TurnContext
    person: str
    told_in_private: bool = False
    """Asked in a shared conversation: whether it was said there that the answer is private."""
    message: str | None = None
    """The card to update, when the turn is not its click (replies resent after a restart,
    in a proactive turn of the person's chat)."""


class TeamsTransport:
    """Each send as Teams allows it: in the turn, proactively, or as a file consent card."""

    results_setting = "TEAMS_RESULTS_CHANNEL"

    def __init__(
        self, settings: TeamsSettings, store: Store, addresses: Addresses, files: Files
    ) -> None:
        self.settings = settings
        self.store = store
        self.addresses = addresses
        self.files = files

    def render(self, message: Message) -> list[Activity]:
        """The message as activities, people named, the settings' results channel proposed."""
        message = propose(message, "channel", self.settings.results_channel)
        return activities.activities(activities.named(message, self.addresses.names))

    async def answer(self, at: TeamsAt, message: Message, replace: bool) -> None:
        """In the chat the person acted in; asked in a shared conversation, answered privately
        (and said so there, once); the clicked card updated in place when it can be."""
        envoi = self.render(message)
        activite = at.context.activity
        if not activities.personal(activite):
            if not at.told_in_private:
                at.told_in_private = True
                nom = activite.from_property.name if activite.from_property else None
                avis = catalogue.TEAMS_EN_PRIVE.format(nom=nom or "")
                await activities.send(at.context, [activities.plain(avis)])
            await self.addresses.write_to(at.person, envoi, at.context)
        elif replace and (cible := at.message or _clicked(activite)):
            # Teams can only update a message with one message: any further part is posted.
            premiere = envoi[0].model_copy(update={"id": cible})
            await activities.retried(lambda: at.context.update_activity(premiere))
            if envoi[1:]:
                await activities.send(at.context, envoi[1:])
        else:
            await activities.send(at.context, envoi)

    async def direct(
        self, at: TeamsAt, user: str, message: Message, thread: str | None = None
    ) -> None:
        await self.addresses.to_person(at.context, at.person, user, self.render(message))

    async def privacy(self, at: TeamsAt, target: str) -> Privacy:
        """Private when the bot was added to it and saw it is private (a group chat, a private
        channel); unknown when the bot was never added to it."""
        adresse = await self.store.adresse(CHANNEL, conversation_key(target))
        if adresse is None:
            return Privacy.UNKNOWN
        prive = (adresse.donnees.get("cqp") or {}).get("prive")
        return Privacy.PRIVATE if prive else Privacy.PUBLIC

    async def post(self, at: TeamsAt, target: str, message: Message) -> None:
        adresse = await self.store.adresse(CHANNEL, conversation_key(target))
        if adresse is not None:
            await self.addresses.continue_with(adresse, self.render(message))

    async def upload(self, at: TeamsAt, user: str, fichier: Fichier, message: Message) -> None:
        await self.files.offer(at.context, at.person, user, fichier, message)


def _clicked(activite: Activity) -> str | None:
    """The card a submission was made on (its activity id), if this turn is one."""
    return activite.reply_to_id if activite.value is not None else None
