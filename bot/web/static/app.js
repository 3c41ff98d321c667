// cqp-bot web chat. Plain JavaScript, no build, no CDN: the page renders the
// bot's channel-neutral messages (heading, paragraph, fields, choices, input,
// divider, context) with textContent only, so no text from the bot or a
// user is ever parsed as HTML. The « Tableau de bord » view lives in tableau.js.

import { creerTableau } from "./tableau.js";

const $ = (id) => document.getElementById(id);
let session = null;            // {csrf, local, utilisateur, personnes}
let flux = null;               // the WebSocket
let ongletActif = "prive";
let focusApresReponse = false; // move focus to the newest buttons after a click (keyboard use)
let enAttente = null;          // pushes received while the fils load, applied after them
let demarrage = null;          // the server run the page last loaded from
let tentatives = 0;            // reconnections in a row, for the back-off
const CLE_PERSONNE = "cqp-utilisateur"; // local mode: who this tab is (two tabs, two people)
const ROLES = { coordinateur: "coordinateur", evaluateur: "évaluateur", admin: "administrateur" };
let tableau = null;            // the dashboard view (tableau.js)

function nouvelleRequete() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const octets = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(octets, (o) => o.toString(16).padStart(2, "0")).join("");
}

const ERREURS_HTTP = {
  401: "Vous n'êtes plus connecté : rechargez la page.",
  403: "Requête refusée : rechargez la page et recommencez.",
  413: "Message trop volumineux.",
  429: "Trop de requêtes : patientez un instant.",
};

class ErreurApi extends Error {
  // corps: the refusal's JSON, for a route that says more than one message (the import's lines).
  constructor(message, statut, corps = null) { super(message); this.statut = statut; this.corps = corps; }
}

async function api(chemin, options = {}) {
  // A FormData body (a file) is sent with the multipart type the browser writes, boundary
  // included; every other body is JSON. The CSRF token and, in local mode, who this page is go
  // with both.
  const entetes = options.body instanceof FormData ? {} : { "Content-Type": "application/json" };
  if (session) entetes["X-CSRF-Token"] = session.csrf;
  if (session && session.local && session.utilisateur) entetes["X-CQP-Utilisateur"] = session.utilisateur.id;
  let reponse;
  try {
    reponse = await fetch(chemin, { credentials: "same-origin", ...options, headers: entetes });
  } catch {
    throw new ErreurApi("le serveur est injoignable (réseau ou serveur arrêté).", 0);
  }
  let corps = null;
  try { corps = await reponse.json(); } catch { corps = null; }
  if (!reponse.ok) {
    const message = (corps && corps.erreur) || ERREURS_HTTP[reponse.status] || `erreur du serveur (${reponse.status}).`;
    throw new ErreurApi(message, reponse.status, corps);
  }
  return corps;
}

function statut(texte) { $("statut").textContent = texte || ""; }

// --- rendering --------------------------------------------------------------------

function element(nom, classe, texte) {
  const el = document.createElement(nom);
  if (classe) el.className = classe;
  if (texte !== undefined) el.textContent = texte;
  return el;
}

function rendreBloc(bloc, entree, formulaire) {
  switch (bloc.type) {
    case "heading": return element("h3", "", bloc.text);
    case "paragraph": return element("p", "", bloc.text);
    case "context": return element("p", "contexte", bloc.text);
    case "divider": return element("hr");
    case "fields": {
      const dl = element("dl");
      for (const [libelle, valeur] of bloc.items) {
        dl.append(element("dt", "", libelle), element("dd", "", valeur));
      }
      return dl;
    }
    case "input": {
      const conteneur = element("div", "champ");
      const id = `${entree.id}-${bloc.name}`;
      const label = element("label", "", bloc.label + (bloc.required ? " *" : ""));
      label.htmlFor = id;
      const champ = element(bloc.multiline ? "textarea" : "input");
      champ.id = id;
      champ.name = bloc.name;
      champ.maxLength = bloc.max_length;
      champ.required = bloc.required;
      champ.value = bloc.initial || "";
      if (bloc.multiline) champ.rows = 3;
      conteneur.append(label, champ);
      if (bloc.multiline) {
        // The limit said as the text grows, rather than a paste cut without a word.
        const compteur = element("p", "compteur");
        compteur.id = `${id}-compteur`;
        compteur.setAttribute("aria-live", "polite");
        const compter = () => { compteur.textContent = `${champ.value.length.toLocaleString("fr-FR")} / ${bloc.max_length.toLocaleString("fr-FR")} caractères`; };
        champ.addEventListener("input", compter);
        champ.setAttribute("aria-describedby", compteur.id);
        compter();
        conteneur.append(compteur);
      }
      if (bloc.kind === "user" && session.personnes) {
        // A person is named by their id: suggest the people of this server, by name.
        const liste = element("datalist");
        liste.id = `${id}-personnes`;
        for (const p of session.personnes) {
          const option = element("option");
          option.value = p.id;
          option.label = `${p.nom} (${ROLES[p.role] || p.role})`;
          liste.append(option);
        }
        champ.setAttribute("list", liste.id);
        conteneur.append(liste);
      }
      return conteneur;
    }
    case "choices": {
      const groupe = element("div", "choix");
      groupe.setAttribute("role", "group");
      for (const bouton of bloc.buttons) {
        const b = element("button", bouton.style === "primary" ? "primaire" : bouton.style || "", bouton.label);
        b.type = bouton.form ? "submit" : "button";
        if (bouton.selected) b.setAttribute("aria-pressed", "true");
        if (bouton.accessible) b.setAttribute("aria-label", bouton.accessible);
        if (bouton.form) {
          b.dataset.formulaire = bouton.form;
        } else {
          b.addEventListener("click", () => choisir(entree, bouton.payload, b));
        }
        groupe.append(b);
      }
      return groupe;
    }
    default: return element("p", "", "");
  }
}

function rendreEntree(entree) {
  const bulle = element("article", `bulle ${entree.auteur}`);
  bulle.id = `entree-${entree.id}`;
  if (entree.auteur === "moi") {
    bulle.setAttribute("aria-label", "Vous");
    bulle.textContent = entree.texte;
    return bulle;
  }
  bulle.setAttribute("aria-label", "cqp-bot");
  const message = entree.message;
  const aDesChamps = message.blocks.some((b) => b.type === "input");
  const conteneur = aDesChamps ? element("form") : bulle;
  for (const bloc of message.blocks) conteneur.append(rendreBloc(bloc, entree));
  if (message.blocks.length === 0) conteneur.append(element("p", "", message.summary));
  if (aDesChamps) {
    conteneur.noValidate = false;
    conteneur.addEventListener("submit", (ev) => { ev.preventDefault(); envoyerFormulaire(entree, conteneur, ev.submitter); });
    bulle.append(conteneur);
  }
  if (entree.fichier) {
    const lien = element("a", "fichier", `Télécharger ${entree.fichier.nom}`);
    // A plain link carries no header: in local mode it says who this page is, as the
    // WebSocket does (off loopback, the session's cookie does).
    const qui = session.local ? `?utilisateur=${encodeURIComponent(session.utilisateur.id)}` : "";
    lien.href = entree.fichier.url + qui;
    lien.download = entree.fichier.nom;
    bulle.append(lien);
  }
  return bulle;
}

function placer(entree, nouveau = true) {
  const fil = $(entree.fil === "resultats" ? "fil-resultats" : "fil-prive");
  const nouvelle = rendreEntree(entree);
  const ancienne = document.getElementById(nouvelle.id);
  if (ancienne) {
    ancienne.replaceWith(nouvelle);
  } else {
    fil.append(nouvelle);
    if (entree.fil === "resultats" && ongletActif !== "resultats") $("nouveaux-resultats").hidden = false;
  }
  // A long message (a form, the review) is shown from its top; a short one at the bottom.
  if (nouvelle.offsetHeight > fil.clientHeight) nouvelle.scrollIntoView({ block: "start" });
  else fil.scrollTop = fil.scrollHeight;
  // The focus goes to the next thing to act on: the first new message with buttons or inputs,
  // or the compétence's card updated in place to ask the next critère (nothing chosen on it
  // yet). A card updated only to mark the value chosen keeps the focus waiting for what
  // follows it (the comment's prompt).
  const aAgir = nouvelle.querySelector("button, input, textarea");
  const suivante = nouveau || !nouvelle.querySelector("button[aria-pressed='true']");
  if (aAgir && suivante && focusApresReponse && entree.fil !== "resultats" && entree.auteur === "bot") {
    aAgir.focus({ preventScroll: true });
    focusApresReponse = false;
  }
}

function accueil() {
  const fil = $("fil-prive");
  if (fil.children.length) return;
  const bulle = element("article", "bulle bot accueil");
  bulle.append(
    element("h3", "", `Bonjour ${session.utilisateur.nom}`),
    element("p", "", "Tapez « mes-evaluations » pour voir les évaluations qui vous attendent, « aide » pour toutes les commandes, ou « critere » suivi de mots pour consulter le référentiel."),
  );
  fil.append(bulle);
}

function avis(texte) {
  const bulle = element("article", "bulle bot avis");
  bulle.append(element("p", "contexte", texte));
  $("fil-prive").append(bulle);
}

async function chargerFils() {
  // Pushes that arrive while the fils load wait, then apply in order: nothing is lost
  // and nothing is placed twice (entries are placed by id).
  enAttente = [];
  try {
    const fils = await api("/api/fils");
    if (demarrage && fils.demarrage !== demarrage && $("fil-prive").children.length) {
      avis("Le serveur a redémarré. Vos réponses sont enregistrées : tapez « mes-evaluations » pour reprendre là où vous en étiez.");
    }
    demarrage = fils.demarrage;
    for (const entree of fils.prive) placer(entree, false);
    if (fils.resultats) {
      $("onglet-resultats").hidden = false;
      for (const entree of fils.resultats) placer(entree, false);
    }
    accueil();
  } finally {
    const attente = enAttente;
    enAttente = null;
    for (const donnees of attente) placer(donnees.entree, donnees.type === "nouveau");
  }
}

// --- sending ------------------------------------------------------------------------

async function envoyer(evenement, boutons = []) {
  boutons.forEach((b) => { b.disabled = true; });
  statut("");
  try {
    await api("/api/evenements", { method: "POST", body: JSON.stringify({ evenement }) });
    return true;
  } catch (erreur) {
    statut(`Non envoyé : ${erreur.message} Réessayez.`);
    if (erreur.statut === 401) arreter();
    return false;
  } finally {
    // Disabled while the request is on its way (no double click); a message that was
    // not replaced by the answer keeps working buttons, as in any chat.
    boutons.forEach((b) => { b.disabled = false; });
  }
}

function boutonsDe(entree) {
  const bulle = document.getElementById(`entree-${entree.id}`);
  return bulle ? Array.from(bulle.querySelectorAll("button")) : [];
}

async function choisir(entree, payload, bouton) {
  focusApresReponse = true;
  // A request id names one attempt: kept to send it again after a failure (the server
  // applies it once), a new one for the next click once this one was answered.
  bouton.dataset.requete = bouton.dataset.requete || nouvelleRequete();
  const ok = await envoyer({ type: "choix", payload, message: entree.id, requete: bouton.dataset.requete }, boutonsDe(entree));
  if (ok) delete bouton.dataset.requete;
}

async function envoyerFormulaire(entree, form, bouton) {
  const valeurs = {};
  for (const champ of form.querySelectorAll("input, textarea")) valeurs[champ.name] = champ.value;
  const nom = (bouton && bouton.dataset.formulaire) || form.querySelector("[data-formulaire]").dataset.formulaire;
  // One attempt, one request id: the same values sent again after a failure keep it; a form
  // sent again after its answer (corrected after a refusal) is a new attempt.
  const contenu = JSON.stringify([nom, valeurs]);
  if (form.dataset.contenu !== contenu) {
    form.dataset.requete = nouvelleRequete();
    form.dataset.contenu = contenu;
  }
  focusApresReponse = true;
  const ok = await envoyer({ type: "formulaire", formulaire: nom, valeurs, message: entree.id, requete: form.dataset.requete }, boutonsDe(entree));
  if (ok) {
    delete form.dataset.requete;
    delete form.dataset.contenu;
  }
}

async function envoyerTexte(texte) {
  texte = texte.trim();
  if (!texte) return;
  focusApresReponse = false;
  const ok = await envoyer({ type: "texte", texte, requete: nouvelleRequete() });
  if (ok) $("saisie").value = "";
}

// --- live updates -------------------------------------------------------------------

function ecouter() {
  const protocole = location.protocol === "https:" ? "wss:" : "ws:";
  const qui = session.local ? `?utilisateur=${encodeURIComponent(session.utilisateur.id)}` : "";
  const ws = new WebSocket(`${protocole}//${location.host}/api/flux${qui}`);
  flux = ws;
  ws.addEventListener("open", () => {
    tentatives = 0;
    statut("");
    chargerFils().catch((e) => statut(e.message));
  });
  ws.addEventListener("message", (ev) => {
    const donnees = JSON.parse(ev.data);
    if (enAttente) enAttente.push(donnees);
    else placer(donnees.entree, donnees.type === "nouveau");
  });
  ws.addEventListener("close", async () => {
    if (flux !== ws) return; // closed on purpose (another person picked)
    flux = null;
    tentatives += 1;
    if (tentatives > 1) statut("Connexion perdue : nouvelle tentative…");
    // Still signed in? Otherwise say so, instead of retrying forever.
    try {
      await api("/api/session");
    } catch (erreur) {
      if (erreur.statut === 401) { arreter(); return; }
    }
    setTimeout(() => { if (!flux && session && session.utilisateur) ecouter(); }, Math.min(1000 * tentatives, 10000));
  });
}

function arreter() {
  if (flux) { const f = flux; flux = null; f.close(); }
  statut("Vous n'êtes plus connecté : rechargez la page (ou rouvrez votre lien de connexion).");
}

// --- who am I ---------------------------------------------------------------------

function montrerOnglet(nom) {
  ongletActif = nom;
  for (const autre of ["prive", "resultats"]) {
    $(`onglet-${autre}`).setAttribute("aria-selected", String(autre === nom));
    $(`fil-${autre}`).hidden = autre !== nom;
  }
  if (nom === "resultats") $("nouveaux-resultats").hidden = true;
}

function choixPersonne() {
  if (flux) { const f = flux; flux = null; f.close(); }
  tableau.oublier();
  sessionStorage.removeItem(CLE_PERSONNE);
  session.utilisateur = null;
  demarrage = null;
  $("fil-prive").replaceChildren();
  $("fil-resultats").replaceChildren();
  $("onglet-resultats").hidden = true;
  montrerOnglet("prive");
  $("chargement").hidden = true;
  $("choix-personne").hidden = false;
  $("chat").hidden = true;
  $("qui").hidden = true;
  const liste = $("personnes");
  liste.replaceChildren();
  for (const p of session.personnes) {
    const li = element("li");
    const b = element("button", "", `${p.nom} — ${ROLES[p.role] || p.role}`);
    b.type = "button";
    b.addEventListener("click", () => {
      sessionStorage.setItem(CLE_PERSONNE, p.id);
      session.utilisateur = p;
      demarrer();
    });
    li.append(b);
    liste.append(li);
  }
  if (!session.personnes.length) liste.append(element("li", "aide", "Aucun utilisateur : ajoutez-en avec « cqp-bot users add »."));
}

function demarrer() {
  $("chargement").hidden = true;
  if (!session.utilisateur) {
    if (session.local) choixPersonne();
    else $("chargement").hidden = false;
    return;
  }
  $("choix-personne").hidden = true;
  $("chat").hidden = false;
  $("qui").hidden = false;
  $("qui-nom").textContent = session.utilisateur.nom;
  $("changer").hidden = !session.local;
  document.title = `cqp-bot · ${session.utilisateur.nom}`;
  ecouter();
  $("saisie").focus();
}

async function init() {
  try {
    session = await api("/api/session");
  } catch (erreur) {
    $("chargement").textContent = erreur.message;
    return;
  }
  $("saisie-form").addEventListener("submit", (ev) => { ev.preventDefault(); envoyerTexte($("saisie").value); });
  $("saisie").addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey) { ev.preventDefault(); envoyerTexte($("saisie").value); }
  });
  for (const b of document.querySelectorAll(".raccourci")) {
    b.addEventListener("click", () => envoyerTexte(b.dataset.commande));
  }
  $("onglet-prive").addEventListener("click", () => montrerOnglet("prive"));
  $("onglet-resultats").addEventListener("click", () => montrerOnglet("resultats"));
  $("changer").addEventListener("click", choixPersonne);
  tableau = creerTableau({
    api,
    deconnecte: arreter,
    // A candidate picked in the dashboard: their 4 blocs, asked in the conversation as if typed.
    voirCandidat: (reference) => {
      tableau.fermer();
      montrerOnglet("prive");
      $("saisie").focus();
      focusApresReponse = false;
      envoyer({ type: "texte", texte: `candidat ${reference}`, requete: nouvelleRequete() });
    },
  });
  if (session.local) {
    // This tab's person, if it picked one before (a reload keeps it; a new tab asks).
    const id = sessionStorage.getItem(CLE_PERSONNE);
    session.utilisateur = session.personnes.find((p) => p.id === id) || null;
  }
  demarrer();
}

init();
