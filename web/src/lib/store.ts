//! Subscribing a component to a module-level value (the session, the
//! language, the URL). A change that lands between the first render and the
//! subscription is caught by checking again once subscribed: without that,
//! a fast /me answer on page load could be missed and the page would wait
//! for a session it already has.

import { useEffect, useRef, useState } from 'preact/hooks';

export type Subscribe = (listener: () => void) => () => void;

/// A set of listeners and the subscribe function for it.
export function listenerSet(): { subscribe: Subscribe; notify: () => void } {
  const listeners = new Set<() => void>();
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    notify: () => listeners.forEach((listener) => listener()),
  };
}

export function useExternal<T>(subscribe: Subscribe, snapshot: () => T): T {
  const value = snapshot();
  const [, force] = useState(0);
  const rendered = useRef(value);
  rendered.current = value;
  useEffect(() => {
    const check = () => {
      if (snapshot() !== rendered.current) force((n) => n + 1);
    };
    const unsubscribe = subscribe(check);
    check();
    return unsubscribe;
    // The store and its snapshot function never change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return value;
}
