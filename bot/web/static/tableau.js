// The « Tableau de bord » view of the web chat: candidates × blocs, late ones first.
//
// Its rows, and every word it shows, come from GET /api/tableau (the server decides who sees
// what, and its catalogue holds the wording). All of it is written with textContent: no text
// of the server, of a candidate's record or of the person is ever parsed as HTML. Each cell says
// its state in words (« en retard » included); its colour only repeats it.
//
// A coordinateur (or an admin) also finds the import of candidates there: the spreadsheet goes
// to POST /api/candidats, whose French report is shown line by line; an import that wrote
// reloads the table, so the new candidates appear in it.

const $ = (id) => document.getElementById(id);

function element(nom, classe, texte) {
  const el = document.createElement(nom);
  if (classe) el.className = classe;
  if (texte !== undefined) el.textContent = texte;
  return el;
}

function option(valeur, libelle, choisie) {
  const o = element("option", "", libelle);
  o.value = valeur;
  o.selected = valeur === choisie;
  return o;
}

// outils: {api, voirCandidat(reference), deconnecte()} from app.js.
export function creerTableau(outils) {
  let demande = 0;                  // the latest request: an older answer arriving late is dropped
  let sessionsConnues = new Set();  // a filtered answer lists fewer sessions: keep the others
  let ouvert = false;
  let textes = {};                  // the latest labels (GET /api/tableau): the import's too
  let envoi = 0;                    // the latest import: an answer for a previous person is dropped

  function valeurs() {
    const form = $("tableau-filtres");
    return {
      session: form.elements.session.value,
      bloc: form.elements.bloc.value,
      etat: form.elements.etat.value,
      evaluateur: form.elements.evaluateur.value.trim(),
    };
  }

  function remplirSelect(id, tous, options, choisie) {
    const select = $(id);
    select.replaceChildren(option("", tous, choisie));
    for (const [valeur, libelle] of options) select.append(option(valeur, libelle, choisie));
    if (select.value !== choisie) select.value = "";
  }

  function rendre(donnees, filtres) {
    const t = donnees.textes;
    textes = t;
    for (const el of document.querySelectorAll("#tableau [data-texte]")) {
      el.textContent = t[el.dataset.texte] || "";
    }
    for (const s of donnees.sessions) sessionsConnues.add(s);
    const sessions = Array.from(sessionsConnues).sort((a, b) => a.localeCompare(b, "fr"));
    remplirSelect("filtre-session", t.toutes, sessions.map((s) => [s, s]), filtres.session);
    $("import").hidden = !donnees.importer;
    $("import-sessions").replaceChildren(...sessions.map((s) => {
      const o = element("option");
      o.value = s;
      return o;
    }));
    remplirSelect("filtre-bloc", t.tous, donnees.blocs.map((b) => [b.id, `${b.id} — ${b.titre}`]), filtres.bloc);
    const etats = donnees.etats.filter((e) => e.filtre).map((e) => [e.code, e.libelle]);
    etats.push([donnees.retard.code, donnees.retard.libelle]);
    remplirSelect("filtre-etat", t.tous, etats, filtres.etat);

    $("tableau-caption").textContent = donnees.titre;
    $("tableau-annonce").textContent = donnees.vide || donnees.titre;
    $("tableau-vide").textContent = donnees.vide || "";
    $("tableau-vide").hidden = !donnees.vide;
    $("tableau-defilement").hidden = Boolean(donnees.vide);

    const avecCqp = donnees.lignes.some((l) => l.cqp !== null);
    const colonnes = [element("th", "", t.candidat), element("th", "", t.session)];
    for (const b of donnees.blocs) {
      const th = element("th", "colonne-bloc");
      th.append(element("span", "id-bloc", b.id), element("span", "titre-bloc", b.titre));
      colonnes.push(th);
    }
    if (avecCqp) colonnes.push(element("th", "", t.cqp));
    for (const th of colonnes) th.scope = "col";
    $("tableau-colonnes").replaceChildren(...colonnes);

    const lignes = donnees.lignes.map((ligne) => {
      const tr = element("tr", ligne.en_retard ? "en-retard" : "");
      const entete = element("th");
      entete.scope = "row";
      const bouton = element("button", "lien-candidat", `${ligne.reference} — ${ligne.nom}`);
      bouton.type = "button";
      bouton.setAttribute("aria-label", t.voir.replace("{ligne}", () => bouton.textContent)); // no « $& »
      bouton.addEventListener("click", () => outils.voirCandidat(ligne.reference));
      entete.append(bouton);
      if (ligne.en_retard) entete.append(element("span", "marque-retard", `⚠ ${donnees.retard.libelle}`));
      tr.append(entete, element("td", "", ligne.session));
      for (const c of ligne.cellules) {
        tr.append(element("td", `cellule etat-${c.etat}${c.retard ? " retard" : ""}`, c.texte));
      }
      if (avecCqp) tr.append(element("td", "cqp", ligne.cqp || "—"));
      return tr;
    });
    $("tableau-lignes").replaceChildren(...lignes);

    // « pas une évaluation que vous notez » only for a reader who has such a cell (an évaluateur).
    const presents = new Set(donnees.lignes.flatMap((l) => l.cellules.map((c) => c.etat)));
    const legende = donnees.etats.filter((e) => e.filtre || presents.has(e.code)).map((e) => {
      const li = element("li");
      const pastille = element("span", `pastille-etat etat-${e.code}`);
      pastille.setAttribute("aria-hidden", "true");
      li.append(pastille, element("span", "", e.libelle));
      return li;
    });
    const retard = element("li");
    const pastille = element("span", "pastille-etat retard");
    pastille.setAttribute("aria-hidden", "true");
    retard.append(pastille, element("span", "", `⚠ ${donnees.retard.libelle}`));
    legende.push(retard);
    $("legende").replaceChildren(...legende);
  }

  async function charger() {
    const filtres = valeurs();
    const numero = ++demande;
    const requete = new URLSearchParams(filtres);
    $("tableau").setAttribute("aria-busy", "true");
    try {
      const donnees = await outils.api(`/api/tableau?${requete}`);
      if (numero !== demande) return;
      $("tableau-erreur").textContent = "";
      rendre(donnees, filtres);
    } catch (erreur) {
      if (numero !== demande) return;
      $("tableau-erreur").textContent = erreur.message;
      if (erreur.statut === 401) outils.deconnecte();
    } finally {
      if (numero === demande) $("tableau").removeAttribute("aria-busy");
    }
  }

  // --- the import of candidates ----------------------------------------------------------

  function montrerLignes(id, lignes) {
    // One list item per line of the answer, as the command line prints them.
    const zone = $(id);
    if (!lignes.length) { zone.replaceChildren(); return; }
    const liste = element("ul");
    for (const ligne of lignes) liste.append(element("li", "", ligne));
    zone.replaceChildren(liste);
  }

  async function importer(ev) {
    ev.preventDefault();
    const form = $("import-form");
    const bouton = form.querySelector("button[type=submit]");
    const numero = ++envoi;
    const donnees = new FormData(form);  // fichier, session, debut, fin, jury (empty: not given), essai if ticked
    bouton.disabled = true;              // no second import of the same file on a double click
    form.setAttribute("aria-busy", "true");
    montrerLignes("import-erreur", []);
    $("import-compte-rendu").classList.remove("refus");
    montrerLignes("import-compte-rendu", [textes.import_en_cours || "…"]);
    try {
      const reponse = await outils.api("/api/candidats", { method: "POST", body: donnees });
      if (numero !== envoi) return;
      // A file with mistakes is a report too (200, « ok »: false): its lines say what to correct.
      $("import-compte-rendu").classList.toggle("refus", !reponse.ok);
      montrerLignes("import-compte-rendu", reponse.lignes);
      if (reponse.ecrit) {
        form.reset();
        await charger();
      }
    } catch (erreur) {
      if (numero !== envoi) return;
      montrerLignes("import-compte-rendu", []);
      montrerLignes("import-erreur", (erreur.corps && erreur.corps.lignes) || [erreur.message]);
      if (erreur.statut === 401) outils.deconnecte();
    } finally {
      if (numero === envoi) {
        bouton.disabled = false;
        form.removeAttribute("aria-busy");
      }
    }
  }

  function oublierImport() {
    envoi += 1;
    $("import").hidden = true;
    $("import-form").reset();
    $("import-form").removeAttribute("aria-busy");
    $("import-form").querySelector("button[type=submit]").disabled = false;
    $("import-sessions").replaceChildren();
    $("import-compte-rendu").classList.remove("refus");
    montrerLignes("import-compte-rendu", []);
    montrerLignes("import-erreur", []);
  }

  async function ouvrir() {
    ouvert = true;
    document.body.classList.add("vue-tableau");
    $("chat").hidden = true;
    $("ouvrir-tableau").hidden = true;
    $("tableau").hidden = false;
    await charger();
    if (ouvert) $("tableau-titre").focus();
  }

  function fermer() {
    if (!ouvert) return;
    ouvert = false;
    document.body.classList.remove("vue-tableau");
    $("tableau").hidden = true;
    $("chat").hidden = false;
    $("ouvrir-tableau").hidden = false;
  }

  function oublier() {
    // Someone else picked (local mode): nothing of the previous person's dashboard stays.
    fermer();
    demande += 1;
    sessionsConnues = new Set();
    textes = {};
    oublierImport();
    $("tableau-filtres").reset();
    for (const id of ["tableau-colonnes", "tableau-lignes", "legende", "filtre-session", "filtre-bloc", "filtre-etat"]) {
      $(id).replaceChildren();
    }
    for (const id of ["tableau-caption", "tableau-annonce", "tableau-vide", "tableau-erreur"]) {
      $(id).textContent = "";
    }
  }

  const form = $("tableau-filtres");
  form.addEventListener("submit", (ev) => { ev.preventDefault(); charger(); });
  for (const select of form.querySelectorAll("select")) select.addEventListener("change", charger);
  $("effacer-filtres").addEventListener("click", () => {
    form.reset();
    for (const select of form.querySelectorAll("select")) select.value = "";
    charger();
  });
  $("import-form").addEventListener("submit", importer);
  $("ouvrir-tableau").addEventListener("click", ouvrir);
  $("fermer-tableau").addEventListener("click", () => { fermer(); $("ouvrir-tableau").focus(); });

  return { ouvrir, fermer, oublier };
}
