// The sign-in page (#/login): user id and password → a session; and the
// home page (#/home): who is signed in, for which agency, and what the
// agency owes.

import { ApiError } from '../api';
import { h } from '../dom';
import { t, type StringKey } from '../i18n';
import { navigate, type Route } from '../router';
import { currentIdentity, signIn } from '../session';
import { agencyName, noticesSection, owedSection } from './common';

export async function renderLogin(root: HTMLElement, route: Route): Promise<void> {
  const user = h('input', { type: 'text', testid: 'login-user' });
  user.id = 'login-user';
  user.name = 'username';
  user.autocomplete = 'username';
  user.required = true;
  const password = h('input', { type: 'password', testid: 'login-password' });
  password.id = 'login-password';
  password.name = 'password';
  password.autocomplete = 'current-password';
  password.required = true;
  const message = h('p', { class: 'form-error', testid: 'login-error', aria: { live: 'polite' } });
  const button = h('button', { type: 'submit', class: 'primary', testid: 'login-submit' }, t('signIn'));
  const form = h('form', { class: 'panel login', testid: 'login-form' },
    h('h2', {}, t('signInHeading')),
    h('p', { class: 'intro' }, t('signInIntro')),
    h('div', { class: 'field' }, labelFor('login-user', t('userId')), user),
    h('div', { class: 'field' }, labelFor('login-password', t('password')), password),
    button,
    message);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    message.textContent = '';
    button.disabled = true;
    signIn(user.value.trim(), password.value)
      .then(() => {
        window.dispatchEvent(new Event('tonghop-identity'));
        navigate({ view: route.params.next === 'review' ? 'review' : 'home', params: {} });
      })
      .catch((error) => {
        const text = error instanceof ApiError ? error.officialMessage : String(error);
        message.textContent = `${t('signInFailed')}: ${text}`;
        password.value = '';
        password.focus();
      })
      .finally(() => {
        button.disabled = false;
      });
  });
  root.appendChild(form);
  user.focus();
}

export function labelFor(id: string, text: string): HTMLLabelElement {
  const label = h('label', {}, text);
  label.htmlFor = id;
  return label;
}

export function roleLabels(roles: string[] | undefined): string {
  return (roles ?? []).map((r) => t(r as StringKey) ?? r).join(', ');
}

export async function renderHome(root: HTMLElement): Promise<void> {
  const me = currentIdentity();
  if (!me) {
    navigate({ view: 'login', params: {} });
    return;
  }
  root.appendChild(h('section', { class: 'panel', testid: 'home-identity' },
    h('h2', {}, t('homeHeading')),
    h('p', {},
      `${t('signedInAs')}: `,
      h('strong', { testid: 'home-user' }, me.displayName || t('certificateIdentity')),
      ' — ',
      h('span', { testid: 'home-agency' }, await agencyName(me.agency ?? '')),
      me.roles?.length ? ` (${roleLabels(me.roles)})` : '')));
  root.appendChild(owedSection(true));
  if (me.agency) root.appendChild(noticesSection(me.agency));
}

