//! Reference lists that forms and filters choose from. The API has no
//! search over organisations, so the client reads its pages (a bounded
//! number of them) and keeps them for the session.

import { get, getPage } from './api';
import type { CreditClass, Organisation } from './types';

/// 20 pages of 100: enough for every demo and pilot; a city-wide registry
/// needs a server-side search instead (see web/README.md).
export const ORGANISATION_PAGES_MAX = 20;

let organisations: Promise<Organisation[]> | null = null;

export function allOrganisations(): Promise<Organisation[]> {
  organisations ??= (async () => {
    const all: Organisation[] = [];
    for (let page = 1; page <= ORGANISATION_PAGES_MAX; page++) {
      const answer = await getPage<Organisation>('/organisations', { page, per_page: 100 });
      all.push(...answer.items);
      if (all.length >= answer.total || answer.items.length === 0) break;
    }
    return all;
  })().catch((error) => {
    organisations = null;
    throw error;
  });
  return organisations;
}

/// After the operator creates one, the next read must see it.
export function forgetOrganisations() {
  organisations = null;
}

export function creditClasses(signal?: AbortSignal): Promise<CreditClass[]> {
  return get<CreditClass[]>('/credit-classes', {}, signal);
}
