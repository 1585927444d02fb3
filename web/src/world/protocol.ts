//! The presence protocol's frames (docs/WORLD_PROTOCOL.md), as the browser
//! speaks them: client frames to bytes, the server's tick frames to records.
//! Positions travel in decimetres east and north of the origin in Rayong city.

export const VERSION = 1;

export type Channel = { kind: 'nearby' } | { kind: 'named'; name: string };

export type ClientFrame =
  | { kind: 'hello'; preset: number; colour: number }
  | { kind: 'move'; eastDm: number; northDm: number; running: boolean }
  | { kind: 'travel'; place: string }
  | { kind: 'say'; channel: Channel; text: string }
  | { kind: 'mute' | 'block' | 'unmute'; user: number };

export type WorldRecord =
  | { kind: 'welcome'; you: number; eastDm: number; northDm: number }
  | {
      kind: 'appeared';
      avatar: number;
      user: number | null;
      preset: number;
      colour: number;
      tier: number;
      eastDm: number;
      northDm: number;
      name: string;
    }
  | { kind: 'moved_by'; avatar: number; eastDm: number; northDm: number }
  | { kind: 'moved_to'; avatar: number; eastDm: number; northDm: number }
  | { kind: 'vanished'; avatar: number }
  | { kind: 'corrected'; eastDm: number; northDm: number }
  | { kind: 'heard'; from: number; message: number; channel: Channel; text: string }
  | { kind: 'refused'; code: number }
  | { kind: 'removed'; code: number };

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

class Writer {
  bytes: number[] = [VERSION];
  u8(value: number) {
    this.bytes.push(value & 0xff);
  }
  i32(value: number) {
    const view = new DataView(new ArrayBuffer(4));
    view.setInt32(0, value, true);
    this.bytes.push(...new Uint8Array(view.buffer));
  }
  u16(value: number) {
    this.bytes.push(value & 0xff, (value >> 8) & 0xff);
  }
  u64(value: number) {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigUint64(0, BigInt(value), true);
    this.bytes.push(...new Uint8Array(view.buffer));
  }
  shortText(text: string, limit = 255) {
    let bytes = encoder.encode(text);
    while (bytes.length > limit) bytes = encoder.encode((text = text.slice(0, -1)));
    this.u8(bytes.length);
    this.bytes.push(...bytes);
  }
  longText(text: string) {
    const bytes = encoder.encode(text);
    this.u16(bytes.length);
    this.bytes.push(...bytes);
  }
}

export function encodeFrame(frame: ClientFrame): Uint8Array<ArrayBuffer> {
  const out = new Writer();
  switch (frame.kind) {
    case 'hello':
      out.u8(1);
      out.u8(frame.preset);
      out.u8(frame.colour);
      break;
    case 'move':
      out.u8(2);
      out.i32(Math.round(frame.eastDm));
      out.i32(Math.round(frame.northDm));
      out.u8(frame.running ? 1 : 0);
      break;
    case 'travel':
      out.u8(3);
      out.shortText(frame.place, 64);
      break;
    case 'say':
      out.u8(4);
      out.shortText(frame.channel.kind === 'named' ? frame.channel.name : '', 64);
      out.longText(frame.text);
      break;
    case 'mute':
    case 'block':
    case 'unmute':
      out.u8({ mute: 7, block: 8, unmute: 9 }[frame.kind]);
      out.u64(frame.user);
      break;
  }
  return new Uint8Array(out.bytes);
}

class Reader {
  at = 0;
  private view: DataView;
  constructor(private bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  more(): boolean {
    return this.at < this.bytes.length;
  }
  private need(count: number) {
    if (this.at + count > this.bytes.length) throw new Error('the frame ends early');
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.at++];
  }
  i16(): number {
    this.need(2);
    const value = this.view.getInt16(this.at, true);
    this.at += 2;
    return value;
  }
  u16(): number {
    this.need(2);
    const value = this.view.getUint16(this.at, true);
    this.at += 2;
    return value;
  }
  u32(): number {
    this.need(4);
    const value = this.view.getUint32(this.at, true);
    this.at += 4;
    return value;
  }
  i32(): number {
    this.need(4);
    const value = this.view.getInt32(this.at, true);
    this.at += 4;
    return value;
  }
  u64(): number {
    this.need(8);
    const value = Number(this.view.getBigUint64(this.at, true));
    this.at += 8;
    return value;
  }
  text(count: number): string {
    this.need(count);
    const text = decoder.decode(this.bytes.subarray(this.at, this.at + count));
    this.at += count;
    return text;
  }
  channel(): Channel {
    const name = this.text(this.u8());
    return name ? { kind: 'named', name } : { kind: 'nearby' };
  }
}

/// A server's tick frame: its tick number and its records.
export function decodeTick(bytes: Uint8Array): { tick: number; records: WorldRecord[] } {
  const read = new Reader(bytes);
  const version = read.u8();
  if (version !== VERSION) throw new Error(`protocol version ${version}`);
  if (read.u8() !== 0x80) throw new Error('not a tick frame');
  const tick = read.u32();
  const records: WorldRecord[] = [];
  while (read.more()) {
    const kind = read.u8();
    switch (kind) {
      case 1:
        records.push({ kind: 'welcome', you: read.u32(), eastDm: read.i32(), northDm: read.i32() });
        break;
      case 2: {
        const avatar = read.u32();
        const user = read.u64();
        const [preset, colour, tier] = [read.u8(), read.u8(), read.u8()];
        const [eastDm, northDm] = [read.i32(), read.i32()];
        const name = read.text(read.u8());
        records.push({ kind: 'appeared', avatar, user: user === 0 ? null : user, preset, colour, tier, eastDm, northDm, name });
        break;
      }
      case 3:
        records.push({ kind: 'moved_by', avatar: read.u32(), eastDm: read.i16(), northDm: read.i16() });
        break;
      case 4:
        records.push({ kind: 'moved_to', avatar: read.u32(), eastDm: read.i32(), northDm: read.i32() });
        break;
      case 5:
        records.push({ kind: 'vanished', avatar: read.u32() });
        break;
      case 6:
        records.push({ kind: 'corrected', eastDm: read.i32(), northDm: read.i32() });
        break;
      case 7:
        records.push({ kind: 'heard', from: read.u32(), message: read.u32(), channel: read.channel(), text: read.text(read.u16()) });
        break;
      case 8:
        records.push({ kind: 'refused', code: read.u8() });
        break;
      case 9:
        records.push({ kind: 'removed', code: read.u8() });
        break;
      default:
        throw new Error(`unknown record ${kind}`);
    }
  }
  return { tick, records };
}

/// The refusal codes' message keys, in the protocol's order.
export const REFUSALS = [
  'world.refused.sign_in',
  'world.refused.empty',
  'world.refused.too_long',
  'world.refused.too_fast',
  'world.refused.banned',
  'world.refused.not_in_channel',
  'world.refused.too_many_channels',
  'world.refused.too_many_mutes',
  'world.refused.unknown_place',
] as const;
