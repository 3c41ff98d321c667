"""Typed payloads: what a button carries.

Buttons carry *typed payloads* (:class:`Payload`): a pydantic model that packs
to a short string and unpacks with validation, so that no adapter or flow
parses strings by hand and a forged or stale payload is refused, not
obeyed.

Example:
    >>> class Score(Payload):
    ...     PREFIX = "s"
    ...     evaluation: str
    ...     critere: str
    ...     valeur: str
    >>> packed = Score(evaluation="ev-1", critere="B1.C2.3", valeur="ECA").pack()
    >>> packed
    's:ev-1:B1.C2.3:ECA'
    >>> Score.unpack(packed).critere
    'B1.C2.3'
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError

MAX_PAYLOAD = 200


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InvalidPayload(ValueError):
    """A payload that does not unpack: forged, truncated, or from another version of a button."""


class Payload(_Model):
    """A button's payload: typed fields that pack to ``PREFIX:value:value…``.

    Field values are short identifiers and codes; ``:`` is the separator and
    may not appear in them. Subclasses set ``PREFIX`` (unique among a flow's
    payloads) and declare their fields in order.
    """

    PREFIX: ClassVar[str]
    SEPARATOR: ClassVar[str] = ":"

    def pack(self) -> str:
        """The payload as a short string for a button's value."""
        values = [str(getattr(self, name)) for name in type(self).model_fields]
        if any(self.SEPARATOR in v for v in values):
            raise InvalidPayload(f"'{self.SEPARATOR}' in a value of {type(self).__name__}")
        packed = self.SEPARATOR.join([self.PREFIX, *values])
        if len(packed) > MAX_PAYLOAD:
            raise InvalidPayload(f"payload longer than {MAX_PAYLOAD} characters")
        return packed

    @classmethod
    def unpack(cls, packed: str) -> Self:
        """The payload packed in ``packed``, validated; InvalidPayload if it is not one."""
        prefix, *values = packed.split(cls.SEPARATOR)
        names = list(cls.model_fields)
        if prefix != cls.PREFIX or len(values) != len(names):
            raise InvalidPayload(f"not a {cls.__name__} payload")
        try:
            return cls.model_validate(dict(zip(names, values, strict=True)))
        except ValidationError as exc:
            raise InvalidPayload(f"invalid {cls.__name__} payload") from exc


class Envoyer(Payload):
    """The submit button of a form: the channel sends the inputs of its message as a FormEvent."""

    PREFIX = "f"
    formulaire: str

    @classmethod
    def formulaire_de(cls, payload: str) -> str | None:
        """The form a button submits, if ``payload`` is a form's submit button."""
        try:
            return cls.unpack(payload).formulaire
        except InvalidPayload:
            return None


class Preuve(Payload):
    """Button « record an entretien » of an evaluation: shows the evidence form."""

    PREFIX = "e"
    evaluation: str


def unpack_any(packed: str, kinds: tuple[type[Payload], ...]) -> Payload:
    """Unpack ``packed`` as whichever of ``kinds`` its prefix names."""
    prefix = packed.split(Payload.SEPARATOR, 1)[0]
    for kind in kinds:
        if prefix == kind.PREFIX:
            return kind.unpack(packed)
    raise InvalidPayload("unknown payload prefix")
