//! The one way the client talks to the server. Sign-in rests on the
//! server's HttpOnly, SameSite=Strict session cookie, so no script can read
//! the token and a cross-site page cannot use it.

import type { CommandResponse, CommandResult, Paged } from './types';

export const API_BASE = '/api/v1';

/// An error as the server sends it, or one the client makes for a failed
/// network request (code "network").
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
    /// Whatever else the error carried (an import's bad lines).
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let unauthenticated: () => void = () => {};

/// Called when the server says the session is gone, so the page can stop
/// showing a signed-in user it no longer has.
export function onUnauthenticated(handler: () => void) {
  unauthenticated = handler;
}

type Query = Record<string, string | number | undefined | null>;

export function queryString(query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = await response.json();
    const error = body?.error;
    if (error && typeof error.code === 'string') {
      const { code, message, field, ...details } = error;
      return new ApiError(response.status, code, String(message ?? ''), field ?? null, details);
    }
  } catch {
    // Not JSON (a proxy's error page): fall through to a generic error.
  }
  return new ApiError(response.status, 'http', response.statusText, null);
}

/// A random key per submitted form, so that a retried request (a double
/// click, a flaky network) is applied once by the server.
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT';
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  // The server takes a cookie-authenticated change only with this header,
  // which a page of another site cannot add (see the server's guard).
  const headers: Record<string, string> = { Accept: 'application/json', 'X-Requested-With': 'mangrove' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(API_BASE + path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (cause) {
    if ((cause as Error)?.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network', String(cause), null);
  }
  if (response.status === 401) unauthenticated();
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export function get<T>(path: string, query: Query = {}, signal?: AbortSignal): Promise<T> {
  return request<T>(path + queryString(query), { signal });
}

export function getPage<T>(path: string, query: Query, signal?: AbortSignal): Promise<Paged<T>> {
  return get<Paged<T>>(path, query, signal);
}

export function command(
  path: string,
  body: unknown,
  idempotencyKey?: string,
  method: 'POST' | 'PUT' = 'POST',
): Promise<CommandResponse> {
  return request<CommandResponse>(path, { method, body, idempotencyKey });
}

/// The command's result if it made the kind of thing asked for.
export function madeOf<K extends CommandResult['made']>(
  response: CommandResponse,
  made: K,
): Extract<CommandResult, { made: K }> | undefined {
  return response.result.made === made ? (response.result as Extract<CommandResult, { made: K }>) : undefined;
}
