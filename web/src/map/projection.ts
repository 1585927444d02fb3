//! An equirectangular projection, scaled by the cosine of the view's middle
//! latitude: within a province the distortion is far below what a screen
//! shows, and it needs no map library. Also the scale bar's arithmetic.

import type { LonLat } from '../lib/types';

/// Metres per degree of latitude (and of longitude at the equator).
export const METRES_PER_DEGREE = 111_320;

export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

export function boundsOf(points: LonLat[]): Box {
  const lons = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  return { west: Math.min(...lons), south: Math.min(...lats), east: Math.max(...lons), north: Math.max(...lats) };
}

/// A box around `box` at least `minDegrees` tall and wide, with a margin.
export function padBox(box: Box, margin: number, minDegrees: number): Box {
  const cx = (box.west + box.east) / 2;
  const cy = (box.south + box.north) / 2;
  const halfW = Math.max((box.east - box.west) * (1 + margin), minDegrees) / 2;
  const halfH = Math.max((box.north - box.south) * (1 + margin), minDegrees) / 2;
  return { west: cx - halfW, south: cy - halfH, east: cx + halfW, north: cy + halfH };
}

/// `box` widened (or heightened) on the ground until width / height is `aspect`.
export function widen(box: Box, aspect: number): Box {
  const kx = Math.cos((((box.south + box.north) / 2) * Math.PI) / 180);
  const width = (box.east - box.west) * kx;
  const height = box.north - box.south;
  const cx = (box.west + box.east) / 2;
  const cy = (box.south + box.north) / 2;
  if (width / height < aspect) {
    const half = (height * aspect) / kx / 2;
    return { ...box, west: cx - half, east: cx + half };
  }
  const half = width / aspect / 2;
  return { ...box, south: cy - half, north: cy + half };
}

export interface Projection {
  width: number;
  height: number;
  /// SVG units per metre on the ground.
  unitsPerMetre: number;
  project: (point: LonLat) => [number, number];
}

/// Fits `box` into a view `width` wide, keeping the ground's proportions.
export function fitProjection(box: Box, width: number): Projection {
  const midLat = ((box.south + box.north) / 2) * (Math.PI / 180);
  const kx = Math.cos(midLat);
  const groundWidth = (box.east - box.west) * kx * METRES_PER_DEGREE;
  const groundHeight = (box.north - box.south) * METRES_PER_DEGREE;
  const unitsPerMetre = width / groundWidth;
  const height = groundHeight * unitsPerMetre;
  return {
    width,
    height,
    unitsPerMetre,
    project: ([lon, lat]) => [
      (lon - box.west) * kx * METRES_PER_DEGREE * unitsPerMetre,
      (box.north - lat) * METRES_PER_DEGREE * unitsPerMetre,
    ],
  };
}

export function pathData(points: LonLat[], projection: Projection, close: boolean): string {
  const parts = points.map((point, i) => {
    const [x, y] = projection.project(point);
    return `${i === 0 ? 'M' : 'L'}${x.toFixed(1)} ${y.toFixed(1)}`;
  });
  return parts.join(' ') + (close ? ' Z' : '');
}

/// The longest "round" distance (1, 2 or 5 times a power of ten metres)
/// not longer than `maxMetres`: what a scale bar shows.
export function niceDistance(maxMetres: number): number {
  if (!(maxMetres > 0)) return 0;
  const power = 10 ** Math.floor(Math.log10(maxMetres));
  for (const step of [5, 2, 1]) {
    if (step * power <= maxMetres) return step * power;
  }
  return power;
}

/// A distance as the scale bar labels it: metres below 1 km.
export function distanceLabel(metres: number): { value: number; unit: 'm' | 'km' } {
  return metres >= 1000 ? { value: metres / 1000, unit: 'km' } : { value: metres, unit: 'm' };
}

/// The centre of a polygon's bounding box, for a marker.
export function centreOf(points: LonLat[]): LonLat {
  const box = boundsOf(points);
  return [(box.west + box.east) / 2, (box.south + box.north) / 2];
}

/// Reads an outline typed as one "longitude, latitude" pair per line.
/// Returns the points, or the 1-based line number that could not be read.
export function parseOutline(text: string): { points: LonLat[] } | { badLine: number } {
  const points: LonLat[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(/[\s,;]+/).filter(Boolean);
    const [lon, lat] = parts.map(Number);
    if (parts.length !== 2 || !Number.isFinite(lon) || !Number.isFinite(lat)) return { badLine: i + 1 };
    points.push([lon, lat]);
  }
  return { points };
}

export function formatOutline(points: LonLat[]): string {
  return points.map(([lon, lat]) => `${lon}, ${lat}`).join('\n');
}
