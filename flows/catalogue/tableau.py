"""The dashboard's texts on the channels' own views: the web chat's « Tableau de bord » page."""

from __future__ import annotations

from typing import Final

TAB_WEB_TITRE: Final = "Tableau de bord"
