import { describe, expect, it } from 'vitest';
import { decodeTick, encodeFrame } from '../src/world/protocol';

// The same bytes as crates/mangrove-world/src/protocol.rs's tests.
describe('the presence protocol', () => {
  it('encodes a move as version, kind, two little-endian decimetres and a flag', () => {
    const bytes = encodeFrame({ kind: 'move', eastDm: -12_345, northDm: 6_789, running: true });
    expect(Array.from(bytes)).toEqual([1, 2, 0xc7, 0xcf, 0xff, 0xff, 0x85, 0x1a, 0, 0, 1]);
    expect(encodeFrame({ kind: 'move', eastDm: 10, northDm: 0, running: false }).length).toBe(11);
  });

  it('encodes Thai chat as UTF-8 with its byte count', () => {
    const bytes = encodeFrame({ kind: 'say', channel: { kind: 'nearby' }, text: 'สวัสดี' });
    expect(Array.from(bytes.slice(0, 5))).toEqual([1, 4, 0, 18, 0]);
    expect(new TextDecoder().decode(bytes.slice(5))).toBe('สวัสดี');
  });

  it('decodes a tick of moves by difference and in full', () => {
    const frame = new Uint8Array([
      1, 0x80, 9, 0, 0, 0,
      3, 4, 0, 0, 0, 25, 0, 0xff, 0xff,
      4, 5, 0, 0, 0, 0x20, 0xa1, 0x07, 0, 0, 0, 0, 0,
    ]);
    expect(decodeTick(frame)).toEqual({
      tick: 9,
      records: [
        { kind: 'moved_by', avatar: 4, eastDm: 25, northDm: -1 },
        { kind: 'moved_to', avatar: 5, eastDm: 500_000, northDm: 0 },
      ],
    });
  });

  it('refuses a frame that ends early', () => {
    expect(() => decodeTick(new Uint8Array([1, 0x80, 9, 0, 0, 0, 3, 4]))).toThrow('ends early');
  });
});
