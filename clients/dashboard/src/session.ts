// Who the dashboard works for: a person signed in with a password (the
// session cookie, set by POST /v1/auth/login, and its CSRF token), else the
// browser's client certificate, else (development, loopback only) the
// acting agency typed in the header. WhoAmI answers which of them the
// server sees.

import { ApiError, call, hasSession, postPath, setCsrfToken, useAgencyHeader, type WhoAmI } from './api';

let identity: WhoAmI | null = null;

// The caller as the server sees it; null when the server knows nobody
// (no session, no certificate, no development header accepted).
export async function refreshIdentity(): Promise<WhoAmI | null> {
  useAgencyHeader(true);
  try {
    identity = await call<WhoAmI>('auth', 'WhoAmI');
  } catch (error) {
    if (!(error instanceof ApiError) || (error.httpStatus !== 401 && error.httpStatus !== 403)) throw error;
    identity = null;
    // A session that ended on the server (expired, signed out elsewhere)
    // leaves a stale CSRF token behind; a server that refuses the
    // development header still answers what is open to all without it.
    if (hasSession()) setCsrfToken('');
    else useAgencyHeader(false);
  }
  return identity;
}

export function currentIdentity(): WhoAmI | null {
  return identity;
}

// A person signed in with a password (not a certificate or the header).
export function signedInPerson(): boolean {
  return identity?.credential === 'session' && !!identity.user;
}

export function hasRole(role: string): boolean {
  return (identity?.roles ?? []).includes(role);
}

// The agency id the caller acts for ("dong-nai-so-y-te").
export function identityAgency(): string {
  return (identity?.agency ?? '').replace(/^agencies\//, '');
}

export async function signIn(user: string, password: string): Promise<WhoAmI | null> {
  const answer = await postPath<{ csrfToken?: string }>('/v1/auth/login', { user, password });
  setCsrfToken(answer.csrfToken ?? '');
  return refreshIdentity();
}

export async function signOut(): Promise<void> {
  try {
    await postPath('/v1/auth/logout', {});
  } finally {
    setCsrfToken('');
    identity = null;
  }
}
