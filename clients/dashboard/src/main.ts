// The dashboard's shell: header (language, calling agency), and the view
// the URL names.

import './style.css';

import { agency, setAgency } from './api';
import { disposeCharts } from './charts';
import { clear, h } from './dom';
import { lang, setLang, t } from './i18n';
import { parseRoute } from './router';
import { errorBox } from './views/common';
import { renderImport } from './views/import';
import { renderNational } from './views/national';
import { renderProvince } from './views/province';

const app = document.getElementById('app') as HTMLElement;
let generation = 0;

function renderShell(): void {
  document.documentElement.lang = lang();
  document.title = t('appTitle');
  (document.getElementById('app-title') as HTMLElement).textContent = t('appTitle');
  (document.getElementById('nav-national') as HTMLElement).textContent = t('national');
  (document.getElementById('nav-import') as HTMLElement).textContent = t('importNav');
  (document.getElementById('acting-label') as HTMLElement).textContent = t('actingAs');
  (document.getElementById('lang-toggle') as HTMLElement).textContent = t('language');
}

async function render(): Promise<void> {
  const mine = ++generation;
  renderShell();
  disposeCharts();
  clear(app);
  app.dataset.ready = 'false';
  const view = h('div', { class: 'view' });
  const route = parseRoute(location.hash);
  view.dataset.view = route.view;
  app.appendChild(view);
  const loading = h('p', { class: 'loading' }, t('loading'));
  view.appendChild(loading);
  try {
    if (route.view === 'province') await renderProvince(view, route);
    else if (route.view === 'import') await renderImport(view, route);
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
    void render();
  }
});

document.getElementById('lang-toggle')!.addEventListener('click', () => {
  setLang(lang() === 'vi' ? 'en' : 'vi');
  void render();
});

window.addEventListener('hashchange', () => void render());
if (!location.hash) history.replaceState(null, '', '#/national');
void render();
