// Builds the virtual Rayong's map asset, crates/mangrove-world/assets/rayong.map,
// from Natural Earth's 1:10m countries (public domain), as the npm package
// world-atlas carries them: Thailand's land, clipped to a window around
// Rayong province. Run it with `node scripts/rayong-map.mjs` after
// `npm install`; the asset is kept in the repository so that the server
// needs neither Node nor the package.
//
// The features Natural Earth does not have at this scale (the river, the
// industrial estates, the city centre) are drawn by hand in
// crates/mangrove-world/assets/rayong-drawn.map, and say so.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '../../crates/mangrove-world/assets/rayong.map');
const atlas = JSON.parse(readFileSync(join(here, '../node_modules/world-atlas/countries-10m.json'), 'utf8'));
const atlasVersion = JSON.parse(readFileSync(join(here, '../node_modules/world-atlas/package.json'), 'utf8')).version;

// The window: Rayong province and the sea off it (degrees).
const WEST = 100.85, EAST = 101.9, SOUTH = 12.45, NORTH = 13.15;

const thailand = feature(atlas, atlas.objects.countries).features.find((f) => f.properties.name === 'Thailand');
if (!thailand) throw new Error('world-atlas has no Thailand');
const polygons = thailand.geometry.type === 'MultiPolygon' ? thailand.geometry.coordinates : [thailand.geometry.coordinates];

// Sutherland–Hodgman: the part of a ring inside one half-plane at a time.
function clip(ring) {
  const edges = [
    [(p) => p[0] >= WEST, (a, b) => cross(a, b, 0, WEST)],
    [(p) => p[0] <= EAST, (a, b) => cross(a, b, 0, EAST)],
    [(p) => p[1] >= SOUTH, (a, b) => cross(a, b, 1, SOUTH)],
    [(p) => p[1] <= NORTH, (a, b) => cross(a, b, 1, NORTH)],
  ];
  let points = ring.slice(0, -1);
  for (const [inside, at] of edges) {
    const next = [];
    for (let i = 0; i < points.length; i++) {
      const a = points[i], b = points[(i + 1) % points.length];
      if (inside(b)) {
        if (!inside(a)) next.push(at(a, b));
        next.push(b);
      } else if (inside(a)) {
        next.push(at(a, b));
      }
    }
    points = next;
    if (points.length === 0) break;
  }
  return points;
}

function cross(a, b, axis, value) {
  const t = (value - a[axis]) / (b[axis] - a[axis]);
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
}

const lines = [
  '# The virtual Rayong: land from Natural Earth 1:10m countries (public domain,',
  `# naturalearthdata.com), through the npm package world-atlas ${atlasVersion}, clipped to`,
  `# ${SOUTH}..${NORTH} N, ${WEST}..${EAST} E by web/scripts/rayong-map.mjs. Do not edit: rerun it.`,
  '# Each polygon: a line "polygon <ground> <name>", then "latitude longitude" lines.',
];
let kept = 0;
for (const polygon of polygons) {
  const ring = clip(polygon[0]);
  if (ring.length < 3) continue;
  kept++;
  lines.push(`polygon land Thailand ${kept}`);
  for (const [lon, lat] of ring) lines.push(`${lat.toFixed(5)} ${lon.toFixed(5)}`);
}
writeFileSync(out, lines.join('\n') + '\n');
console.log(`wrote ${out}: ${kept} polygon(s), ${lines.length - 4 - kept} points`);
