"""What only the server and its channels say: ``serve``, ``demo``, ``users``, the web chat,
Slack and Teams."""

from __future__ import annotations

from typing import Final

REGLAGE_INVALIDE: Final = "Réglage invalide : {variable} = « {valeur} ». Corrigez la variable d'environnement (ou le fichier .env)."

ANNUAIRE_DOUBLON: Final = "l'identifiant « {id} » est présent deux fois"
ANNUAIRE_YAML: Final = "Le fichier des utilisateurs {fichier} n'est pas du YAML valide : {detail}"
ANNUAIRE_CHAMP: Final = "  • {ou} : {detail}"
ANNUAIRE_INVALIDE: Final = "Le fichier des utilisateurs {fichier} est invalide :\n{problemes}\nChaque personne a un id (lettres, chiffres, . _ -), un nom et un rôle : coordinateur, evaluateur ou admin."
ANNUAIRE_ILLISIBLE: Final = "Impossible de lire le fichier des utilisateurs {fichier} : {detail}"
ANNUAIRE_ENTETE: Final = "# Les personnes du chat web de cqp-bot : id, nom, rôle (coordinateur, evaluateur, admin).\n# Modifié par « cqp-bot users » ; relancez le serveur après une modification à la main.\n"

SERVE_AIDE: Final = "Lancer le serveur : le chat web (et Slack ou Teams s'ils sont configurés). Lit CQP_HOST, CQP_PORT et CQP_DATA_DIR."
DEMO_AIDE: Final = "Lancer le serveur avec un espace de démonstration : une coordinatrice, deux évaluateurs, un candidat et une évaluation du bloc 1 prête à noter."
OPTION_HOTE: Final = (
    "Adresse d'écoute (ou CQP_HOST ; par défaut : 127.0.0.1, cette machine seulement)."
)
OPTION_PORT: Final = "Port d'écoute (ou CQP_PORT ; par défaut : 8080)."
OPTION_DOSSIER: Final = "Dossier de données (ou CQP_DATA_DIR ; par défaut : data)."
OPTION_RESET: Final = (
    "Repartir de zéro : efface les données de démonstration du dossier avant de commencer."
)
SERVE_PRET: Final = "cqp-bot est prêt : ouvrez {url} dans un navigateur (Ctrl+C pour arrêter)."
SERVE_LOCAL: Final = (
    "Mode local : seule cette machine peut se connecter ; chacun choisit qui il est dans la page."
)
SERVE_RESEAU: Final = "Accessible depuis le réseau : chaque personne se connecte avec son lien (cqp-bot users invite ID)."
SERVE_SANS_UTILISATEURS: Final = "Aucun utilisateur dans {fichier} : ajoutez-en avec « cqp-bot users add ID --nom NOM --role coordinateur »."
SERVE_CANAUX: Final = "Chat web : activé."
SERVE_ARRET: Final = "cqp-bot s'arrête."
SERVE_PORT_PRIS: Final = "Impossible d'écouter sur {hote}:{port} : {detail}. Choisissez un autre port (--port ou CQP_PORT)."
DEMO_RESET_REFUSE: Final = "--reset n'efface qu'un dossier de démonstration ; {dossier} contient d'autres données. Choisissez un autre dossier (--dossier)."
DEMO_PRETE: Final = "Démonstration prête : {evaluation} (candidat {reference}, bloc 1). Ouvrez deux fenêtres : l'une en tant que {e1}, l'autre en tant que {e2} ; {coordinateur} suit les résultats."
DEMO_COORDINATRICE: Final = "Claire Dubois (coordinatrice)"
DEMO_EVALUATEUR_1: Final = "Karim Haddad (évaluateur, expert habilité)"
DEMO_EVALUATEUR_2: Final = "Léa Martin (évaluatrice, experte interne)"
DEMO_EFFACEE: Final = "Données de démonstration effacées : {dossier}."

USERS_AIDE: Final = (
    "Les utilisateurs du chat web : lister, ajouter, inviter (lien de connexion), révoquer."
)
USERS_LIST_AIDE: Final = "Lister les utilisateurs du chat web (id, rôle, nom)."
USERS_ADD_AIDE: Final = "Ajouter un utilisateur (ou modifier celui qui a cet ID)."
USERS_INVITE_AIDE: Final = "Créer le lien de connexion personnel d'un utilisateur (le précédent cesse de fonctionner). Nécessaire quand le serveur est accessible depuis le réseau."
USERS_REVOKE_AIDE: Final = "Désactiver les liens de connexion d'un utilisateur."
USERS_LISTE_VIDE: Final = "Aucun utilisateur dans {fichier}."
USERS_AJOUTE: Final = "{id} ({nom}, {role}) enregistré dans {fichier}. Relancez le serveur pour qu'il le prenne en compte."
USERS_INCONNU: Final = "Aucun utilisateur « {id} » dans {fichier} (cqp-bot users list)."
USERS_INVITE: Final = (
    "Lien de connexion de {nom} (à lui transmettre, il remplace le précédent) :\n{url}"
)
USERS_REVOQUE: Final = "Les liens de connexion de {id} ne fonctionnent plus, et les sessions qu'ils ont ouvertes sont fermées."
USERS_RIEN_A_REVOQUER: Final = "{id} n'a aucun lien de connexion actif : rien à révoquer."
USERS_URL_REQUISE: Final = "Précisez l'adresse que les personnes ouvriront dans leur navigateur : --url https://cqp.ma-mutuelle.fr (ou la variable CQP_PUBLIC_URL)."
USERS_LIEN_LOCAL: Final = "Attention : ce lien ne fonctionne que sur cette machine (adresse locale). Pour un serveur accessible depuis le réseau, précisez --url ou CQP_PUBLIC_URL."
USERS_OPTION_NOM: Final = "Nom affiché (« Claire Dubois »)."
USERS_OPTION_ROLE: Final = "Rôle : coordinateur, evaluateur ou admin."
USERS_OPTION_URL: Final = (
    "Adresse du serveur dans le lien (ou CQP_PUBLIC_URL ; par défaut : http://CQP_HOST:CQP_PORT)."
)

WEB_CSRF: Final = "Requête refusée : rechargez la page et recommencez."
WEB_NON_CONNECTE: Final = "Vous n'êtes pas connecté : rechargez la page."
WEB_HOTE_INCONNU: Final = (
    "Ce serveur local ne répond qu'aux adresses de cette machine (127.0.0.1, localhost)."
)
WEB_EVENEMENT_INVALIDE: Final = "Requête invalide : rechargez la page et recommencez."
WEB_FICHIER_INCONNU: Final = "Ce fichier n'existe plus : redemandez l'export."
WEB_LIEN_INVALIDE: Final = "Ce lien de connexion n'est pas valide, a expiré ou a été remplacé. Demandez un nouveau lien à votre coordinateur."
WEB_PAS_DE_SESSION: Final = "Ce serveur est accessible depuis le réseau : il faut votre lien de connexion personnel pour entrer."
WEB_PAGE_401: Final = """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Connexion requise · cqp-bot</title><link rel="stylesheet" href="/static/app.css"></head>
<body class="page-simple"><main><h1>Connexion requise</h1><p>{raison}</p>
<p>Votre coordinateur obtient votre lien avec la commande <code>cqp-bot users invite VOTRE_ID</code>.</p></main></body></html>
"""

SLACK_TITRE_FORMULAIRE: Final = "cqp-bot"
SLACK_SAISIE_LIMITE: Final = (
    "{n} caractères au plus ici ; pour un texte plus long, écrivez-le dans la conversation avec "
    "cqp-bot."
)
SLACK_FICHIER_EN_PRIVE: Final = "Le fichier {nom} est dans votre conversation privée avec cqp-bot."
SLACK_ENVOYER: Final = "Envoyer"
SLACK_ANNULER: Final = "Annuler"
CHAMP_OBLIGATOIRE: Final = "Ce champ est obligatoire."
RESULTAT_CANAL_PUBLIC: Final = "Le résultat de {evaluation} n'a pas été publié dans {canal} : ce canal n'est pas privé, et un résultat de certification ne se publie que dans un canal privé ou une conversation de groupe. Choisissez-en un ({reglage} ou la destination de l'évaluation)."
RESULTAT_CANAL_INCONNU: Final = "Le résultat de {evaluation} n'a pas été publié dans {canal} : le bot ne connaît pas cette conversation (introuvable, ou cqp-bot n'y a pas été ajouté). Ajoutez cqp-bot à ce canal privé ou à cette conversation de groupe."
SLACK_ACTIF: Final = "Slack : activé (POST /slack/events)."
SLACK_INACTIF: Final = "Slack : désactivé (SLACK_BOT_TOKEN et SLACK_SIGNING_SECRET non définis)."
SLACK_REGLAGE_MANQUANT: Final = (
    "Réglage manquant : {variable}. Slack demande SLACK_BOT_TOKEN et SLACK_SIGNING_SECRET ensemble."
)
SLACK_ACCUEIL_TITRE: Final = "Mes évaluations"
SLACK_SUIVI: Final = "Suivi des évaluations que vous coordonnez"
SLACK_TABLEAU_TITRE: Final = "Tableau de bord"
SLACK_TABLEAU_COMPTE: Final = "{n} candidat(s), dont ⚠ {retard} en retard"
SLACK_TABLEAU_A_JOUR: Final = "{n} candidat(s), aucun en retard"
SLACK_TABLEAU_PLUS: Final = (
    "… et {n} autre(s) : tapez /cqp tableau avec des filtres (session=, bloc=, etat=, evaluateur=)."
)
SLACK_SOCKET: Final = "Slack : connecté en Socket Mode (SLACK_APP_TOKEN)."
SLACK_SOCKET_SANS_JETON: Final = "--socket-mode demande SLACK_APP_TOKEN (xapp-…) et Slack configuré (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)."
OPTION_SOCKET: Final = "Slack en Socket Mode (SLACK_APP_TOKEN) : pas besoin d'adresse publique."
SLACK_FICHIER: Final = (
    "Je ne lis pas les fichiers : écrivez votre texte dans le message. Rien n'a été enregistré."
)
MESSAGE_TROP_LONG: Final = "Message trop long ({n} caractères, 10 000 au plus) : rien n'a été enregistré. Raccourcissez-le et renvoyez-le."

TEAMS_ACTIF: Final = "Microsoft Teams : activé (POST /api/messages)."
TEAMS_DEV: Final = "Microsoft Teams : mode développement SANS authentification (TEAMS_DEV_SANS_AUTH), sur cette machine seulement (POST /api/messages)."
TEAMS_INACTIF: Final = "Microsoft Teams : désactivé (TEAMS_APP_ID non défini)."
TEAMS_REGLAGE_MANQUANT: Final = "Réglage manquant : {variable}. Teams demande TEAMS_APP_ID, TEAMS_TENANT_ID et TEAMS_APP_PASSWORD (ou TEAMS_CERT_PFX_FILE) ensemble."
TEAMS_CERTIFICAT_ABSENT: Final = "TEAMS_CERT_PFX_FILE : le fichier {fichier} est introuvable."
TEAMS_DEV_HORS_LOOPBACK: Final = "TEAMS_DEV_SANS_AUTH n'est permis que si le serveur écoute sur cette machine seulement (CQP_HOST=127.0.0.1) : sans authentification, n'importe qui pourrait parler au bot au nom de n'importe qui."
TEAMS_NON_AUTHENTIFIE: Final = "Requête refusée : jeton Bot Framework absent ou invalide."
TEAMS_EN_PRIVE: Final = (
    "Je vous réponds en message privé, {nom} : une évaluation ne se traite pas dans un canal."
)
TEAMS_CANAL_NOTE: Final = "cqp-bot est ajouté à cette conversation. Pour y publier les résultats, un administrateur indique son identifiant : TEAMS_RESULTS_CHANNEL={conversation} (seulement si la conversation est privée)."
TEAMS_INJOIGNABLE: Final = "Je n'ai pas pu écrire à {personne} dans Teams : cette personne doit d'abord installer cqp-bot (ou m'écrire une fois). Ce qui est enregistré l'attend : « mes-evaluations » le lui montrera."
TEAMS_ERREUR: Final = "Désolé, une erreur est survenue de mon côté. Ce qui a été confirmé est enregistré ; réessayez dans un instant."
TEAMS_FICHIER_PROPOSE: Final = "{texte} Acceptez le fichier pour l'enregistrer dans votre OneDrive."
TEAMS_FICHIER_EXPIRE: Final = "Ce fichier n'est plus disponible : relancez la commande export."
TEAMS_FICHIER_REFUSE: Final = "Fichier refusé : rien n'a été enregistré dans votre OneDrive."
TEAMS_FICHIER_ENVOYE: Final = "Fichier enregistré dans votre OneDrive : {nom}."
TEAMS_CHOISIR_PERSONNE: Final = "Choisissez une personne"
TEAMS_ID_CONVERSATION: Final = "Identifiant de la conversation (19:…)"
TEAMS_AIDE: Final = "Microsoft Teams : préparer l'application à installer."
TEAMS_PAQUET_AIDE: Final = "Écrire le paquet de l'application Teams (manifeste et icônes) pour ce bot : à charger dans Teams. Lit TEAMS_APP_ID et CQP_PUBLIC_URL."
OPTION_SORTIE_PAQUET: Final = "Fichier zip à écrire (par défaut cqp-bot-teams.zip)."
OPTION_APP_ID: Final = "Identifiant d'application Microsoft du bot (sinon TEAMS_APP_ID)."
OPTION_URL_PUBLIQUE: Final = "Adresse publique https du serveur (sinon CQP_PUBLIC_URL)."
TEAMS_PAQUET_MANQUE: Final = "Il manque {variable} pour préparer le paquet Teams."
TEAMS_VARIABLE_APP_ID: Final = "TEAMS_APP_ID (ou --app-id)"
TEAMS_VARIABLE_URL: Final = "CQP_PUBLIC_URL (ou --url)"
TEAMS_PAQUET_INVALIDE: Final = "{variable} invalide pour le paquet Teams : il faut un identifiant d'application (GUID) et une adresse publique en https."
TEAMS_PAQUET_ECRITURE: Final = "Impossible d'écrire {fichier} : {detail}."
TEAMS_PAQUET_FAIT: Final = "Paquet Teams écrit : {fichier}. Chargez-le dans Teams (Applications › Gérer vos applications › Charger une application)."
TEAMS_JSON_ATTENDU: Final = "Requête refusée : une activité JSON est attendue."
TEAMS_ACTIVITE_INVALIDE: Final = "Requête refusée : activité invalide."
TEAMS_HORS_PERIMETRE: Final = (
    "Requête refusée : cqp-bot ne répond qu'à Microsoft Teams, dans le tenant de la mutuelle."
)
TEAMS_FICHIER_ECHEC: Final = (
    "Le fichier n'a pas pu être enregistré dans votre OneDrive : relancez la commande export."
)
TEAMS_DEV_AVEC_IDENTIFIANTS: Final = "TEAMS_DEV_SANS_AUTH ne se combine pas avec TEAMS_APP_ID, TEAMS_APP_PASSWORD ou TEAMS_CERT_PFX_FILE : sans authentification, une requête choisirait où le bot envoie ses identifiants. Retirez l'un ou l'autre."
DOSSIER_INTROUVABLE: Final = "le dossier n'existe pas"
ACCES_REFUSE: Final = "accès refusé"
