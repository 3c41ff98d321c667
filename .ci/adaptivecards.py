"""Fetch Microsoft's Adaptive Cards renderer (npm ``adaptivecards``) for the Teams card test.

`make test` runs this once: the package's tarball from the npm registry, checked against
the integrity hash the registry publishes for this version, and its browser bundle
(``dist/adaptivecards.min.js``) written where the test looks (the path given). Only the
standard library: it runs before anything else is installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "3.0.6"
URL = f"https://registry.npmjs.org/adaptivecards/-/adaptivecards-{VERSION}.tgz"
INTEGRITY = (
    "WDCIb2WXZ7cOHJ9HIHRNdhSt861HySVOdN2xPk2aKHAF3JvD8QGQ8/XcNFrDJxCteOog8MM7EBlXfSAR8JXKAg=="
)
"""sha512 of the tarball, as `npm view adaptivecards@3.0.6 dist.integrity` gives it."""
MEMBRE = "package/dist/adaptivecards.min.js"


def main(destination: str) -> int:
    with urllib.request.urlopen(URL, timeout=120) as reponse:
        donnees = reponse.read()
    if base64.b64encode(hashlib.sha512(donnees).digest()).decode() != INTEGRITY:
        print(f"adaptivecards {VERSION} : empreinte inattendue, fichier refusé.", file=sys.stderr)
        return 1
    with tarfile.open(fileobj=io.BytesIO(donnees), mode="r:gz") as archive:
        membre = archive.extractfile(MEMBRE)
        assert membre is not None
        contenu = membre.read()
    cible = Path(destination)
    cible.parent.mkdir(parents=True, exist_ok=True)
    cible.write_bytes(contenu)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
