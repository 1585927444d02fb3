//! The market's live view: the WebSocket stream of one instrument's book
//! and trades, reconnecting with back-off when it drops. Until the first
//! snapshot arrives the page shows what the HTTP API answered, so a proxy
//! that refuses WebSockets leaves a page that still works, if not live.

import { useEffect, useRef, useState } from 'preact/hooks';
import { get, getPage } from '../lib/api';
import { applyStreamMessage, backoffDelay, streamUrl, TRADES_KEPT, withTrades, type LiveMarket } from '../lib/market';
import type { Book, StreamMessage, Trade } from '../lib/types';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';

export interface MarketFeed extends LiveMarket {
  status: StreamStatus;
}

/// `onTrade` hears each trade the stream reports after its snapshot;
/// nothing connects while `enabled` is false (an instrument that does not exist).
export function useMarketFeed(instrument: number, onTrade?: (trade: Trade) => void, enabled = true): MarketFeed {
  const [market, setMarket] = useState<LiveMarket>({ book: null, trades: [] });
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const listener = useRef(onTrade);
  listener.current = onTrade;

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;
    let snapshotSeen = false;
    const controller = new AbortController();

    // The HTTP answer, unless the stream's snapshot came first.
    Promise.all([
      get<Book>(`/instruments/${instrument}/book`, { levels: 20 }, controller.signal),
      getPage<Trade>('/trades', { instrument, per_page: TRADES_KEPT }, controller.signal),
    ])
      .then(([book, trades]) => {
        if (!snapshotSeen && !stopped) setMarket({ book, trades: withTrades([], trades.items) });
      })
      .catch(() => undefined);

    const connect = () => {
      if (stopped) return;
      socket = new WebSocket(streamUrl(window.location, instrument));
      socket.onmessage = (event) => {
        let message: StreamMessage;
        try {
          message = JSON.parse(String(event.data)) as StreamMessage;
        } catch {
          return;
        }
        if (message.type === 'snapshot') {
          snapshotSeen = true;
          attempt = 0;
          setStatus('live');
        } else if (message.type === 'trade') {
          listener.current?.(message.trade);
        }
        setMarket((previous) => applyStreamMessage(previous, message));
      };
      socket.onclose = () => {
        socket = null;
        if (stopped) return;
        setStatus('reconnecting');
        timer = setTimeout(connect, backoffDelay(attempt));
        attempt += 1;
      };
      // An error is followed by a close, which reconnects.
      socket.onerror = () => socket?.close();
    };
    connect();

    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
      socket?.close();
    };
  }, [instrument, enabled]);

  return { ...market, status };
}
