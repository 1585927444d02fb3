//! What a certificate checks beyond the Merkle proof: that the journaled
//! event the proof covers is this very retirement, with the same tonnes
//! and beneficiary the page shows. A valid proof of some other event would
//! otherwise look just as green.

import type { Retirement } from './types';

interface RetiredPayload {
  event?: string;
  retirement?: { id?: number; quantity_tco2e?: number; beneficiary?: string; batch?: number };
}

/// The retirement inside a journal event body, if it is one.
function retiredPayload(body: string): RetiredPayload['retirement'] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return null;
  }
  const envelope = parsed as { payload?: RetiredPayload };
  const payload = envelope?.payload ?? (parsed as RetiredPayload);
  return payload?.event === 'retired' && payload.retirement ? payload.retirement : null;
}

export function bodyRecordsRetirement(body: string, retirement: Pick<Retirement, 'id' | 'quantity_tco2e' | 'beneficiary' | 'batch'>): boolean {
  const recorded = retiredPayload(body);
  return (
    !!recorded &&
    recorded.id === retirement.id &&
    recorded.quantity_tco2e === retirement.quantity_tco2e &&
    recorded.beneficiary === retirement.beneficiary &&
    recorded.batch === retirement.batch
  );
}
