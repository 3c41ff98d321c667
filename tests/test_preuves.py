"""Evidence: the entretiens observed, checked against the modalités — warnings, never a block."""

from __future__ import annotations

from datetime import date

from flows.evaluation import Dossier, Entretien
from flows.messages import (
    ChoiceEvent,
    CommandEvent,
    FormEvent,
    Origin,
    Paragraph,
    TextInput,
)
from flows.payloads import (
    Preuve,
)
from flows.preuves import AttentePreuve, Contexte, EtatPreuve, avertissements, etape
from flows.service import Service
from referentiel import Canal, default
from storage import MemoryStore
from tests.harnais import Horloge
from tests.store_outils import T0, evaluation

BLOC_1, BLOC_3 = default().blocs[0], default().blocs[2]
EV = "ev-C042-1"


def _entretien(
    numero: int, jour: int, canal: Canal = Canal.TELEPHONE, difficile: bool = False
) -> Entretien:
    return Entretien(
        evaluateur="u-expert", numero=numero, date=date(2026, 11, jour), canal=canal, reel=True,
        situation_difficile=difficile, horodatage=T0,
    )  # fmt: skip


def test_a_complete_set_of_entretiens_raises_no_warning() -> None:
    entretiens = [
        _entretien(1, 2),
        _entretien(2, 3, Canal.MAIL),
        _entretien(3, 6, Canal.TCHAT, difficile=True),
    ]
    assert avertissements(entretiens, BLOC_1) == []


def test_each_departure_from_the_modalites_is_named() -> None:
    entretiens = [_entretien(1, 2), _entretien(2, 12), _entretien(3, 13, Canal.COURRIER)]
    texte = " ".join(avertissements(entretiens, BLOC_1))
    assert "s'étalent sur 12 jours ; le bloc prévoit 7 jours au plus" in texte
    assert "le canal courrier n'est pas cité par les modalités" in texte
    assert "aucun entretien en situation difficile" in texte
    assert "au moins" not in texte
    assert "2 entretien(s) enregistré(s) ; le bloc en demande au moins 3" in " ".join(
        avertissements(entretiens[:2], BLOC_1)
    )
    same = [_entretien(i, 2 + i, difficile=i == 1) for i in range(1, 4)]
    assert "tous les entretiens ont le même canal" in " ".join(avertissements(same, BLOC_1))
    six = [_entretien(i, 2, Canal.MAIL if i % 2 else Canal.TCHAT) for i in range(1, 7)]
    assert "6 entretiens enregistrés ; le bloc en prévoit au plus 5" in " ".join(
        avertissements(six, BLOC_1)
    )


def test_bloc_3_has_no_window_and_no_channel_to_check() -> None:
    entretiens = [_entretien(i, 1 + 10 * (i - 1), Canal.COURRIER) for i in range(1, 4)]
    assert avertissements(entretiens, BLOC_3) == []


async def test_an_evaluateur_records_an_entretien_through_the_form() -> None:
    store = MemoryStore()
    await store.creer(evaluation(), par="u-coord")
    service = Service(store, default(), Horloge())
    origine = Origin(channel="web", conversation="dm", user="u-expert")
    replies = await service.handle(
        ChoiceEvent(origin=origine, request_id="p1", payload=Preuve(evaluation=EV).pack())
    )
    assert [b.name for b in replies[0].message.blocks if isinstance(b, TextInput)] == [
        "numero", "date", "canal", "reel", "situation_difficile",
    ]  # fmt: skip
    mauvais = {
        "numero": "9x",
        "date": "hier",
        "canal": "pigeon",
        "reel": "peut-être",
        "situation_difficile": "non",
    }
    replies = await service.handle(
        FormEvent(origin=origine, request_id="p2", form=f"entretien/{EV}", values=mauvais)
    )
    texte = " ".join(b.text for b in replies[0].message.blocks if isinstance(b, Paragraph))
    assert (
        "L'entretien n'a pas été enregistré" in texte
        and "pigeon" in texte
        and "oui ou non" in texte
    )
    assert (await store.dossier(EV)).entretiens == ()  # type: ignore[union-attr]

    bon = {
        "numero": "1",
        "date": "02/11/2026",
        "canal": "telephone",
        "reel": "oui",
        "situation_difficile": "non",
    }
    replies = await service.handle(
        FormEvent(origin=origine, request_id="p3", form=f"entretien/{EV}", values=bon)
    )
    texte = " ".join(b.text for b in replies[0].message.blocks if isinstance(b, Paragraph))
    assert "Entretien 1 enregistré (02/11/2026, téléphone, situation réelle)." in texte
    assert "1 entretien(s) enregistré(s) ; le bloc en demande au moins 3" in texte
    dossier = await store.dossier(EV)
    assert dossier is not None and dossier.entretiens[0].date == date(2026, 11, 2)

    intrus = Origin(channel="web", conversation="dm", user="u-intrus")
    replies = await service.handle(
        FormEvent(origin=intrus, request_id="p4", form=f"entretien/{EV}", values=bon)
    )
    assert "Seuls les deux évaluateurs" in replies[0].message.summary


def _ctx(utilisateur: str = "u-expert", entretiens: tuple[Entretien, ...] = ()) -> Contexte:
    dossier = Dossier(evaluation=evaluation(), entretiens=entretiens)
    return Contexte(utilisateur=utilisateur, dossier=dossier, bloc=BLOC_1, maintenant=T0)


ORIGINE = Origin(channel="web", conversation="dm", user="u-expert")
BON = {
    "numero": "2",
    "date": "03/11/2026",
    "canal": "mail",
    "reel": "non",
    "situation_difficile": "oui",
}


def test_recording_evidence_is_a_pure_step_from_the_form_to_the_entretien() -> None:
    ouvrir = ChoiceEvent(origin=ORIGINE, request_id="p1", payload=Preuve(evaluation=EV).pack())
    pas = etape(EtatPreuve(), ouvrir, _ctx())
    assert pas.etat == EtatPreuve(attente=AttentePreuve.FORMULAIRE, evaluation=EV)
    assert pas.entretien is None

    mauvais = FormEvent(
        origin=ORIGINE, request_id="p2", form=f"entretien/{EV}", values={**BON, "date": "hier"}
    )
    pas = etape(pas.etat, mauvais, _ctx())
    assert pas.etat.attente is AttentePreuve.FORMULAIRE and pas.entretien is None
    assert "la date « hier » n'est pas une date JJ/MM/AAAA" in pas.replies[0].message.blocks[1].text  # type: ignore[union-attr]

    bon = mauvais.model_copy(update={"values": BON})
    pas = etape(pas.etat, bon, _ctx(entretiens=(_entretien(1, 2),)))
    assert pas.etat == EtatPreuve() and pas.entretien is not None
    assert pas.entretien.numero == 2 and pas.entretien.situation_difficile
    lu = " | ".join(
        getattr(b, "text", "") or " ".join(x.label for x in getattr(b, "buttons", ()))
        for b in pas.replies[0].message.blocks
    )
    assert "Vos entretiens : n°1 02/11 téléphone, n°2 03/11 mail." in lu
    assert "Saisir un autre entretien" in lu and "Noter la grille" in lu


def test_only_the_evaluateurs_of_the_evaluation_record_evidence() -> None:
    ouvrir = CommandEvent(origin=ORIGINE, request_id="c1", name="entretien", args=EV)
    for ctx in (_ctx("u-coord"), Contexte("u-expert", None, None, T0)):
        pas = etape(EtatPreuve(), ouvrir, ctx)
        assert pas.etat == EtatPreuve() and pas.entretien is None
        assert "Seuls les deux évaluateurs" in pas.replies[0].message.summary
