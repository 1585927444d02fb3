//! Who is signed in. The session itself is the server's cookie; this keeps
//! the user it belongs to, loaded once from /me and updated on sign-in and
//! sign-out.

import { ApiError, get, onUnauthenticated, request } from './api';
import { listenerSet, useExternal } from './store';
import type { User } from './types';

export interface Session {
  loaded: boolean;
  user: User | null;
}

let session: Session = { loaded: false, user: null };
const store = listenerSet();

function set(next: Session) {
  session = next;
  store.notify();
}

/// The organisation of a signed-in member. The pages of an organisation's
/// role are never shown to a person (a citizen in no organisation).
export function memberOrg(user: User): number {
  if (user.org_id === null) throw new Error('this page is an organisation\'s, and a person belongs to none');
  return user.org_id;
}

export async function loadSession() {
  try {
    set({ loaded: true, user: await get<User>('/me') });
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) console.warn('could not load the session', error);
    set({ loaded: true, user: null });
  }
}

export async function signIn(username: string, password: string): Promise<User> {
  const answer = await request<{ user: User }>('/auth/login', { method: 'POST', body: { username, password } });
  set({ loaded: true, user: answer.user });
  return answer.user;
}

export async function signOut() {
  try {
    await request('/auth/logout', { method: 'POST' });
  } finally {
    set({ loaded: true, user: null });
  }
}

// Forget the user when the server says the session has ended.
onUnauthenticated(() => {
  if (session.user) set({ loaded: true, user: null });
});

export function useSession(): Session {
  return useExternal(store.subscribe, () => session);
}
