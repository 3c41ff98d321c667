"""Every user-facing French text of cqp-bot, in one catalogue: ``from flows import catalogue``.

Why one catalogue: the same words must appear on every channel (terminal, web
chat, Slack, Teams), a reviewer must be able to read the whole interface at
once, and code and comments stay in English. Texts with parameters are
``str.format`` templates; code passes named values. The texts are grouped by
what they are about, one module each, and all read as ``catalogue.NAME``:

- ``referentiel``: labels, the data file's problems, the référentiel's lookup;
- ``stockage``: the store's refusals, ``cqp-bot donnees``;
- ``notation``, ``creation``, ``preuves``, ``rapprochement``: the flows of an evaluation;
- ``commandes``: the commands and the service;
- ``sessions``: candidates and certification sessions, the import of a spreadsheet;
- ``canaux``: the server, the web chat, Slack and Teams.

Data of the référentiel (critère texts, roles, the scale) is not here: it lives
in the référentiel's data file.
"""

from flows.catalogue.canaux import *  # noqa: F403
from flows.catalogue.commandes import *  # noqa: F403
from flows.catalogue.creation import *  # noqa: F403
from flows.catalogue.notation import *  # noqa: F403
from flows.catalogue.preuves import *  # noqa: F403
from flows.catalogue.rapprochement import *  # noqa: F403
from flows.catalogue.referentiel import *  # noqa: F403
from flows.catalogue.sessions import *  # noqa: F403
from flows.catalogue.stockage import *  # noqa: F403
from flows.catalogue.tableau import *  # noqa: F403
