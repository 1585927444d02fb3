//! /world: the virtual Rayong. The 3D view (three.js, loaded only here),
//! presence over the WebSocket, walking with keys or a touch joystick, a
//! minimap, chat with people nearby, and the live facts of the mangrove and
//! the factories on tap. Guests look around; people who signed in talk.

import { useEffect, useRef, useState } from 'preact/hooks';
import { command, get } from '../lib/api';
import { useI18n, type MessageKey } from '../i18n/i18n';
import type { User } from '../lib/types';
import type { components } from '../api/schema';
import { decodeTick, encodeFrame, REFUSALS, type ClientFrame, type WorldRecord } from '../world/protocol';
import type { CityScene, Picked } from '../world/scene';

type WorldMap = components['schemas']['WorldMap'];
type WorldFacts = components['schemas']['WorldFacts'];
type Dashboard = components['schemas']['Dashboard'];
type AppearanceChoice = components['schemas']['AppearanceChoice'];

/// The looks, in the order of their codes in the presence protocol.
const PRESET_NAMES = ['student', 'fisher', 'factory_worker', 'elder', 'vendor', 'farmer', 'officer', 'cyclist'];
const PRESETS = PRESET_NAMES.map((name) => `world.preset.${name}` as MessageKey);
const WALK_M_PER_S = 1.4;
const RUN_M_PER_S = 5;
const SEND_EVERY_MS = 100;
const FACTS_EVERY_MS = 15_000;
/// Chat lines kept on screen.
const CHAT_LINES = 40;

interface Person {
  name: string;
  user: number | null;
  east: number;
  north: number;
}

interface ChatLine {
  id: number;
  /// The message's number, to report it by; the speaker's avatar.
  message: number;
  from: number;
  who: string;
  text: string;
}

const CONDUCTS = ['harassment', 'hate', 'spam', 'sexual', 'scam', 'other'] as const;

type Status = 'loading' | 'connecting' | 'inside' | 'removed' | 'closed';

export function WorldPage({ user }: { user: User | null }) {
  const { t, num, tonnes, perTonne, locale } = useI18n();
  const canvas = useRef<HTMLCanvasElement>(null);
  const minimap = useRef<HTMLCanvasElement>(null);
  const sceneRef = useRef<CityScene | null>(null);
  const socketRef = useRef<WebSocket | null>(null);
  const selfRef = useRef({ east: 0, north: 0, heading: 0, placed: false });
  const inputRef = useRef({ forward: 0, turn: 0, strafe: 0, running: false });
  const peopleRef = useRef(new Map<number, Person>());
  const [status, setStatus] = useState<Status>('loading');
  const [map, setMap] = useState<WorldMap | null>(null);
  const [facts, setFacts] = useState<WorldFacts | null>(null);
  const [board, setBoard] = useState<Dashboard | null>(null);
  const [people, setPeople] = useState<{ id: number; name: string; user: number | null; distance: number }[]>([]);
  const [reporting, setReporting] = useState<number | null>(null);
  const youRef = useRef<number | null>(null);
  const [tags, setTags] = useState<{ id: number; name: string; x: number; y: number }[]>([]);
  const [chat, setChat] = useState<ChatLine[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [picked, setPicked] = useState<Picked>(null);
  const [draft, setDraft] = useState('');
  const [preset, setPreset] = useState(() => Number(localStorage.getItem('mangrove.world.preset') ?? '0') % 8);
  const [fps, setFps] = useState(0);

  // A person who signed in wears the look they chose before, wherever.
  const presetRef = useRef(preset);
  presetRef.current = preset;
  const [looked, setLooked] = useState(!user);
  useEffect(() => {
    if (!user) return;
    get<AppearanceChoice>('/world/appearance')
      .then((saved) => setPreset(Math.max(0, PRESET_NAMES.indexOf(saved.preset))))
      .catch(() => undefined)
      .finally(() => setLooked(true));
  }, [user]);

  useEffect(() => {
    let stopped = false;
    Promise.all([get<WorldMap>('/world/map'), get<WorldFacts>('/world/facts'), get<Dashboard>('/dashboard')])
      .then(([m, f, d]) => {
        if (stopped) return;
        setMap(m);
        setFacts(f);
        setBoard(d);
      })
      .catch(() => setNotice(t('world.unavailable')));
    const refresh = setInterval(() => {
      get<WorldFacts>('/world/facts')
        .then((f) => {
          setFacts(f);
          sceneRef.current?.setFacts(f);
        })
        .catch(() => undefined);
    }, FACTS_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(refresh);
    };
  }, []);

  // The 3D view, once the map is here: three.js is fetched now, not before.
  useEffect(() => {
    if (!map || !facts || !looked || !canvas.current) return;
    let disposed = false;
    import('../world/scene').then(({ createScene }) => {
      if (disposed || !canvas.current) return;
      const scene = createScene(canvas.current, map, facts);
      sceneRef.current = scene;
      const fit = () => {
        const box = canvas.current?.getBoundingClientRect();
        if (box) scene.resize(box.width, box.height);
      };
      fit();
      window.addEventListener('resize', fit);
      connect();
      const started = performance.now();
      const measure = setInterval(() => setFps(Math.round((scene.frames() * 1000) / (performance.now() - started))), 2000);
      cleanup.push(() => {
        window.removeEventListener('resize', fit);
        clearInterval(measure);
        scene.dispose();
      });
    });
    const cleanup: (() => void)[] = [];
    return () => {
      disposed = true;
      socketRef.current?.close();
      cleanup.forEach((undo) => undo());
    };
  }, [map, looked]);

  function send(frame: ClientFrame) {
    const socket = socketRef.current;
    if (socket?.readyState === WebSocket.OPEN) socket.send(encodeFrame(frame));
  }

  function connect() {
    setStatus('connecting');
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/world/ws`);
    socket.binaryType = 'arraybuffer';
    socketRef.current = socket;
    socket.onopen = () => send({ kind: 'hello', preset: presetRef.current, colour: presetRef.current });
    socket.onmessage = (event) => {
      try {
        const { records } = decodeTick(new Uint8Array(event.data as ArrayBuffer));
        records.forEach(apply);
      } catch {
        setNotice(t('world.garbled'));
      }
    };
    socket.onclose = () => setStatus((now) => (now === 'removed' ? now : 'closed'));
  }

  function apply(record: WorldRecord) {
    const scene = sceneRef.current;
    const self = selfRef.current;
    const people = peopleRef.current;
    switch (record.kind) {
      case 'welcome':
      case 'corrected':
        self.east = record.eastDm / 10;
        self.north = record.northDm / 10;
        self.placed = true;
        if (record.kind === 'welcome') {
          youRef.current = record.you;
          setStatus('inside');
        }
        break;
      case 'appeared':
        people.set(record.avatar, { name: record.name, user: record.user, east: record.eastDm / 10, north: record.northDm / 10 });
        scene?.addAvatar(record.avatar, record.preset, record.colour, record.eastDm / 10, record.northDm / 10);
        break;
      case 'moved_by': {
        const person = people.get(record.avatar);
        if (!person) break;
        person.east += record.eastDm / 10;
        person.north += record.northDm / 10;
        scene?.moveAvatar(record.avatar, person.east, person.north);
        break;
      }
      case 'moved_to': {
        const person = people.get(record.avatar);
        if (!person) break;
        person.east = record.eastDm / 10;
        person.north = record.northDm / 10;
        scene?.moveAvatar(record.avatar, person.east, person.north);
        break;
      }
      case 'vanished':
        people.delete(record.avatar);
        scene?.removeAvatar(record.avatar);
        break;
      case 'heard': {
        const who = people.get(record.from)?.name ?? t('world.you');
        const line = { id: Date.now() + Math.random(), message: record.message, from: record.from, who, text: record.text };
        setChat((lines) => [...lines.slice(-(CHAT_LINES - 1)), line]);
        break;
      }
      case 'refused':
        setNotice(t(REFUSALS[record.code] ?? 'world.garbled'));
        break;
      case 'removed':
        setStatus('removed');
        setNotice(t(REFUSALS[record.code] ?? 'world.garbled'));
        break;
    }
  }

  // Walking: keys and the joystick set the input; each step moves the
  // avatar, and ten times a second the server is told where it is going.
  useEffect(() => {
    const keys = new Set<string>();
    const update = () => {
      const input = inputRef.current;
      input.forward = (keys.has('w') || keys.has('arrowup') ? 1 : 0) - (keys.has('s') || keys.has('arrowdown') ? 1 : 0);
      input.turn = (keys.has('d') || keys.has('arrowright') ? 1 : 0) - (keys.has('a') || keys.has('arrowleft') ? 1 : 0);
      input.running = keys.has('shift');
    };
    const down = (event: KeyboardEvent) => {
      if ((event.target as HTMLElement | null)?.closest('input, textarea, select')) return;
      keys.add(event.key.toLowerCase());
      update();
    };
    const up = (event: KeyboardEvent) => {
      keys.delete(event.key.toLowerCase());
      update();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    let lastStep = performance.now();
    const stepper = setInterval(() => {
      const now = performance.now();
      const seconds = (now - lastStep) / 1000;
      lastStep = now;
      const self = selfRef.current;
      const input = inputRef.current;
      if (!self.placed) return;
      self.heading += input.turn * seconds * 1.8;
      const speed = (input.running ? RUN_M_PER_S : WALK_M_PER_S) * input.forward;
      if (speed !== 0) {
        self.east += Math.sin(self.heading) * speed * seconds;
        self.north += Math.cos(self.heading) * speed * seconds;
        send({ kind: 'move', eastDm: self.east * 10, northDm: self.north * 10, running: input.running });
      }
      const scene = sceneRef.current;
      scene?.setSelf(self.east, self.north, self.heading);
      if (scene) {
        const positions = scene.screenPositions();
        const next: { id: number; name: string; x: number; y: number }[] = [];
        const near: { id: number; name: string; user: number | null; distance: number }[] = [];
        for (const [id, person] of peopleRef.current) {
          const distance = Math.hypot(person.east - self.east, person.north - self.north);
          near.push({ id, name: person.name, user: person.user, distance });
          const at = positions.get(id);
          if (at && at.distance < 60) next.push({ id, name: person.name, x: at.x, y: at.y });
        }
        near.sort((a, b) => a.distance - b.distance);
        setTags(next);
        setPeople(near.slice(0, 12));
      }
      drawMinimap();
    }, SEND_EVERY_MS);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      clearInterval(stepper);
    };
  }, [map]);

  function drawMinimap() {
    const canvasElement = minimap.current;
    if (!canvasElement || !map) return;
    const context = canvasElement.getContext('2d');
    if (!context) return;
    const size = canvasElement.width;
    // The province: about 110 km across around the city.
    const scale = size / 110_000;
    const toScreen = (east: number, north: number): [number, number] => [
      size / 2 + (east + 2_000) * scale,
      size / 2 - (north - 15_000) * scale,
    ];
    context.fillStyle = '#4f94c4';
    context.fillRect(0, 0, size, size);
    for (const feature of map.features) {
      context.fillStyle = { land: '#cfe0b4', city: '#8d8478', industrial: '#6d6760', river: '#2f6fa0', mangrove: '#1e5631', forest: '#2e6b2e' }[feature.ground] ?? '#ccc';
      context.beginPath();
      feature.outline_m.forEach(([east, north], index) => {
        const [x, y] = toScreen(east, north);
        if (index === 0) context.moveTo(x, y);
        else context.lineTo(x, y);
      });
      context.fill();
    }
    const self = selfRef.current;
    const [x, y] = toScreen(self.east, self.north);
    context.fillStyle = '#d32f2f';
    context.beginPath();
    context.arc(x, y, 4, 0, Math.PI * 2);
    context.fill();
  }

  function travel(place: string) {
    send({ kind: 'travel', place });
  }

  function say(event: Event) {
    event.preventDefault();
    const text = draft.trim();
    if (!text) return;
    send({ kind: 'say', channel: { kind: 'nearby' }, text });
    setDraft('');
  }

  function report(line: ChatLine, reason: string) {
    setReporting(null);
    command('/world/reports', { message: line.message, reason })
      .then(() => setNotice(t('world.reported')))
      .catch((error: Error) => setNotice(error.message));
  }

  function silence(kind: 'mute' | 'block', user: number) {
    send({ kind, user });
    setNotice(t(kind === 'mute' ? 'world.muted' : 'world.blocked'));
  }

  function choosePreset(next: number) {
    setPreset(next);
    localStorage.setItem('mangrove.world.preset', String(next));
    send({ kind: 'hello', preset: next, colour: next });
    if (user) {
      command('/world/appearance', { preset: PRESET_NAMES[next], colour: next }, undefined, 'PUT').catch((error: Error) =>
        setNotice(error.message),
      );
    }
  }

  function tap(event: MouseEvent) {
    const box = (event.currentTarget as HTMLCanvasElement).getBoundingClientRect();
    setPicked(sceneRef.current?.pick(event.clientX - box.left, event.clientY - box.top) ?? null);
  }

  // The touch joystick: drag from its centre; up walks, far up runs.
  function joystick(event: PointerEvent) {
    const pad = event.currentTarget as HTMLElement;
    const box = pad.getBoundingClientRect();
    const input = inputRef.current;
    if (event.type === 'pointerup' || event.type === 'pointercancel' || event.type === 'pointerleave') {
      input.forward = 0;
      input.turn = 0;
      input.running = false;
      return;
    }
    if (event.type === 'pointerdown') pad.setPointerCapture(event.pointerId);
    if (event.buttons === 0 && event.type !== 'pointerdown') return;
    const dx = (event.clientX - (box.left + box.width / 2)) / (box.width / 2);
    const dy = (event.clientY - (box.top + box.height / 2)) / (box.height / 2);
    input.forward = Math.abs(dy) > 0.2 ? -Math.sign(dy) : 0;
    input.turn = Math.abs(dx) > 0.2 ? Math.sign(dx) : 0;
    input.running = dy < -0.8;
  }

  const mangrove = facts?.areas.find((area) => area.key === 'mangrove');
  const latestYear = board ? Math.max(...Object.keys(board.total_tco2e_by_year).map(Number)) : null;
  const placeName = (p: { name_en: string; name_th: string }) => (locale === 'th' ? p.name_th : p.name_en);

  return (
    <section class="world" aria-label={t('world.title')}>
      <h1 class="visually-hidden">{t('world.title')}</h1>
      <div class="world-view">
        <canvas ref={canvas} class="world-canvas" onClick={tap} aria-label={t('world.view')} role="img" />
        {tags.map((tag) => (
          <span key={tag.id} class="world-tag" style={{ left: `${tag.x}px`, top: `${tag.y}px` }}>
            {tag.name}
          </span>
        ))}
        <canvas ref={minimap} class="world-minimap" width={140} height={140} aria-label={t('world.minimap')} role="img" />
        <div
          class="world-joystick"
          role="presentation"
          onPointerDown={joystick}
          onPointerMove={joystick}
          onPointerUp={joystick}
          onPointerCancel={joystick}
        />
        <p class="world-status" role="status" data-status={status} data-fps={fps}>
          {t(`world.status.${status}` as MessageKey)}
          {notice && <span class="world-notice"> — {notice}</span>}
        </p>
      </div>
      <div class="world-panels">
        {mangrove && (
          <section class="world-panel" aria-label={t('world.mangrove')}>
            <h2>{mangrove.name}</h2>
            <dl>
              <dt>{t('world.area')}</dt>
              <dd>{t('world.rai', { rai: num(mangrove.area_rai) })}</dd>
              <dt>{t('world.verified')}</dt>
              <dd data-figure="verified">{tonnes(mangrove.verified_tco2e)}</dd>
              <dt>{t('world.issued')}</dt>
              <dd>{tonnes(mangrove.issued_tco2e)}</dd>
              <dt>{t('world.retired')}</dt>
              <dd data-figure="retired">{tonnes(mangrove.retired_tco2e)}</dd>
              <dt>{t('world.price')}</dt>
              <dd data-figure="price">{mangrove.last_price_satang == null ? t('world.no_trades') : perTonne(mangrove.last_price_satang)}</dd>
            </dl>
            <button type="button" onClick={() => travel('mangrove')}>
              {t('world.go_mangrove')}
            </button>
          </section>
        )}
        {picked && (
          <section class="world-panel" aria-label={t('world.picked')}>
            {picked.kind === 'factory' ? (
              <>
                <h2>{picked.factory.name}</h2>
                <p>
                  {picked.factory.district} · {picked.factory.sector}
                </p>
                <p>
                  {picked.factory.tco2e == null
                    ? t('world.unpublished')
                    : t('world.factory_year', { year: String(picked.factory.year), tonnes: tonnes(Math.round(picked.factory.tco2e)) })}
                </p>
                {picked.factory.on_track != null && <p>{t(picked.factory.on_track ? 'world.on_track' : 'world.off_track')}</p>}
              </>
            ) : (
              <>
                <h2>{picked.area.name}</h2>
                <p>{t('world.area_facts', { verified: tonnes(picked.area.verified_tco2e), retired: tonnes(picked.area.retired_tco2e) })}</p>
              </>
            )}
          </section>
        )}
        {board && latestYear != null && board.race_to_zero.trajectory[latestYear] != null && (
          <section class="world-panel" aria-label={t('world.board')}>
            <h2>{t('world.board')}</h2>
            <p>
              {t('world.board_line', {
                year: String(latestYear),
                actual: tonnes(Math.round(board.total_tco2e_by_year[latestYear])),
                allowed: tonnes(Math.round(board.race_to_zero.trajectory[latestYear])),
              })}
            </p>
          </section>
        )}
        <section class="world-panel" aria-label={t('world.travel')}>
          <h2>{t('world.travel')}</h2>
          <select aria-label={t('world.travel')} onChange={(event) => travel((event.target as HTMLSelectElement).value)} value="">
            <option value="">{t('world.choose_place')}</option>
            {map?.places.map((place) => (
              <option key={place.key} value={place.key}>
                {placeName(place)}
              </option>
            ))}
          </select>
          <label>
            {t('world.look')}
            <select value={preset} onChange={(event) => choosePreset(Number((event.target as HTMLSelectElement).value))}>
              {PRESETS.map((key, index) => (
                <option key={key} value={index}>
                  {t(key)}
                </option>
              ))}
            </select>
          </label>
        </section>
        <section class="world-panel" aria-label={t('world.nearby')}>
          <h2>{t('world.nearby')}</h2>
          <ul class="world-people" aria-label={t('world.nearby')}>
            {people.map((person) => (
              <li key={person.id} data-distance={Math.round(person.distance)}>
                {person.name} · {t('world.metres', { metres: num(Math.round(person.distance)) })}
                {user && person.user != null && (
                  <span class="world-actions">
                    <button type="button" onClick={() => silence('mute', person.user!)}>
                      {t('world.mute')}
                    </button>
                    <button type="button" onClick={() => silence('block', person.user!)}>
                      {t('world.block')}
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section class="world-panel world-chat" aria-label={t('world.chat')}>
          <h2>{t('world.chat')}</h2>
          <ol class="world-lines" aria-live="polite">
            {chat.map((line) => (
              <li key={line.id}>
                <b>{line.who}</b>: {line.text}
                {user && line.from !== youRef.current && (
                  reporting === line.id ? (
                    <select aria-label={t('world.report_reason')} onChange={(event) => report(line, (event.target as HTMLSelectElement).value)} value="">
                      <option value="">{t('world.report_reason')}</option>
                      {CONDUCTS.map((conduct) => (
                        <option key={conduct} value={conduct}>
                          {t(`world.conduct.${conduct}` as MessageKey)}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <button type="button" class="world-report" onClick={() => setReporting(line.id)}>
                      {t('world.report')}
                    </button>
                  )
                )}
              </li>
            ))}
          </ol>
          {user ? (
            <form onSubmit={say}>
              <input
                aria-label={t('world.message')}
                maxLength={280}
                value={draft}
                onInput={(event) => setDraft((event.target as HTMLInputElement).value)}
              />
              <button type="submit">{t('world.send')}</button>
            </form>
          ) : (
            <p>{t('world.sign_in_to_chat')}</p>
          )}
        </section>
        <p class="world-attribution">{t('world.attribution')}</p>
      </div>
    </section>
  );
}
