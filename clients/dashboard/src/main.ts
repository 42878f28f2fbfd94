// The dashboard's shell: header (language, calling agency), and the view
// the URL names.

import './style.css';

import { agency, hasSession, setAgency } from './api';
import { disposeCharts } from './charts';
import { clear, h } from './dom';
import { lang, setLang, t } from './i18n';
import { startOutbox } from './outbox';
import { parseRoute } from './router';
import { currentIdentity, refreshIdentity, signedInPerson, signOut } from './session';
import { errorBox } from './views/common';
import { renderImport } from './views/import';
import { renderHome, renderLogin } from './views/login';
import { renderMinistry } from './views/ministry';
import { renderNational } from './views/national';
import { renderProvince } from './views/province';
import { renderReport } from './views/report';
import { renderReview } from './views/review';

const app = document.getElementById('app') as HTMLElement;
let generation = 0;

function renderShell(): void {
  document.documentElement.lang = lang();
  document.title = t('appTitle');
  (document.getElementById('app-title') as HTMLElement).textContent = t('appTitle');
  (document.getElementById('nav-national') as HTMLElement).textContent = t('national');
  (document.getElementById('nav-ministry') as HTMLElement).textContent = t('ministryNav');
  (document.getElementById('nav-import') as HTMLElement).textContent = t('importNav');
  (document.getElementById('nav-home') as HTMLElement).textContent = t('homeNav');
  (document.getElementById('nav-review') as HTMLElement).textContent = t('reviewNav');
  (document.getElementById('nav-login') as HTMLElement).textContent = t('signIn');
  (document.getElementById('sign-out') as HTMLElement).textContent = t('signOut');
  renderIdentity();
  (document.getElementById('acting-label') as HTMLElement).textContent = t('actingAs');
  (document.getElementById('lang-toggle') as HTMLElement).textContent = t('language');
}

// Who the page works for, in the header: a signed-in person (with a sign
// out), a certificate's agency, or the development acting agency.
function renderIdentity(): void {
  const me = currentIdentity();
  const person = signedInPerson();
  const line = document.getElementById('identity') as HTMLElement;
  line.textContent = me
    ? `${person ? me.displayName ?? me.user : t('certificateIdentity')} · ${(me.agency ?? '').replace(/^agencies\//, '')}`
    : t('notSignedIn');
  if (me?.credential === 'dev-header') line.textContent = '';
  (document.getElementById('sign-out') as HTMLElement).hidden = !person;
  (document.getElementById('nav-login') as HTMLElement).hidden = person || me?.credential === 'certificate';
  (document.getElementById('acting-control') as HTMLElement).hidden = person || me?.credential === 'certificate';
}

let identityKnown = false;

async function ensureIdentity(): Promise<void> {
  if (identityKnown) return;
  try {
    await refreshIdentity();
    // The browser holds a session whose CSRF token this page lost: sign
    // in again rather than fail on the first change.
    if (signedInPerson() && !hasSession()) await signOut().catch(() => undefined);
  } catch {
    // The server cannot say: the views show their own errors.
  }
  identityKnown = true;
}

async function render(): Promise<void> {
  const mine = ++generation;
  // The old view goes at once, before anything is awaited, so that nothing
  // (a test included) acts on it while the new one loads.
  disposeCharts();
  clear(app);
  app.dataset.ready = 'false';
  const view = h('div', { class: 'view' });
  const route = parseRoute(location.hash);
  view.dataset.view = route.view;
  app.appendChild(view);
  const loading = h('p', { class: 'loading' }, t('loading'));
  view.appendChild(loading);
  await ensureIdentity();
  if (mine !== generation) return;
  renderShell();
  try {
    if (route.view === 'province') await renderProvince(view, route);
    else if (route.view === 'import') await renderImport(view, route);
    else if (route.view === 'login') await renderLogin(view, route);
    else if (route.view === 'home') await renderHome(view);
    else if (route.view === 'report') await renderReport(view, route);
    else if (route.view === 'review') await renderReview(view, route);
    else if (route.view === 'ministry') await renderMinistry(view, route);
    else await renderNational(view, route);
  } catch (error) {
    if (mine === generation) view.appendChild(errorBox(error));
  } finally {
    loading.remove();
    // Tests wait for this rather than for time to pass.
    if (mine === generation) app.dataset.ready = 'true';
  }
}

const acting = document.getElementById('acting-agency') as HTMLInputElement;
acting.value = agency();
acting.addEventListener('change', () => {
  const value = acting.value.trim().replace(/^agencies\//, '');
  if (value) {
    setAgency(value);
    identityKnown = false;
    void render();
  }
});

document.getElementById('lang-toggle')!.addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  void render();
});

document.getElementById('sign-out')!.addEventListener('click', () => {
  void signOut().finally(() => {
    identityKnown = false;
    location.hash = '#/login';
  });
});
window.addEventListener('tonghop-identity', () => {
  identityKnown = false;
});

window.addEventListener('hashchange', () => void render());
if (!location.hash) history.replaceState(null, '', hasSession() ? '#/home' : '#/national');
startOutbox();
void render();
