//! The 3D view of the virtual Rayong, in three.js, loaded only when /world
//! is opened. The frame is metres: x east, z south (minus north), y up.
//! Everything is built from simple shapes and colours, nothing downloaded:
//! the province's land and features from the server's map, each factory as
//! a box coloured by its published emissions, the mangrove as trees, and
//! avatars as bodies and heads in their preset's shape.

import * as THREE from 'three';
import type { components } from '../api/schema';

type WorldMap = components['schemas']['WorldMap'];
type WorldFacts = components['schemas']['WorldFacts'];
export type FactoryFacts = components['schemas']['FactoryFacts'];
export type AreaFacts = components['schemas']['AreaFacts'];

export type Picked = { kind: 'factory'; factory: FactoryFacts } | { kind: 'area'; area: AreaFacts } | null;

/// Within this distance an avatar is drawn in full; beyond, as a marker.
export const FULL_AVATAR_M = 40;

const GROUND_COLOURS: Record<string, number> = {
  land: 0xcfe0b4,
  city: 0xd9d3c7,
  industrial: 0xbab4ab,
  river: 0x78b4de,
  mangrove: 0x2f7a4b,
  forest: 0x3f8a3c,
};
const GROUND_HEIGHTS: Record<string, number> = { land: 0, city: 0.15, industrial: 0.15, river: 0.25, forest: 0.3, mangrove: 0.35 };

/// Colours an avatar may wear (the server's 0–7).
export const PALETTE = [0xd35400, 0x2874a6, 0x239b56, 0x884ea0, 0xb7950b, 0xc0392b, 0x17a589, 0x5d6d7e];
/// Emission fifths, low to high; grey for a factory that does not publish.
const QUINTILE_COLOURS = [0x4caf50, 0x9ccc65, 0xffca28, 0xff7043, 0xd32f2f];
const UNPUBLISHED = 0x9e9e9e;

interface AvatarView {
  group: THREE.Group;
  marker: THREE.Mesh;
  full: THREE.Group;
  east: number;
  north: number;
  targetEast: number;
  targetNorth: number;
}

export interface CityScene {
  resize(width: number, height: number): void;
  /// Where the viewer's own avatar is, and which way it faces (radians, 0 north).
  setSelf(east: number, north: number, heading: number): void;
  addAvatar(id: number, preset: number, colour: number, east: number, north: number): void;
  moveAvatar(id: number, east: number, north: number): void;
  removeAvatar(id: number): void;
  /// Each avatar's position on screen (pixels), for name tags; null when behind.
  screenPositions(): Map<number, { x: number; y: number; distance: number } | null>;
  setFacts(facts: WorldFacts): void;
  pick(x: number, y: number): Picked;
  /// Frames drawn since the scene started.
  frames(): number;
  dispose(): void;
}

function xz(east: number, north: number): [number, number] {
  return [east, -north];
}

function shapeOf(outline: number[][]): THREE.Shape {
  const shape = new THREE.Shape();
  outline.forEach(([east, north], index) => {
    if (index === 0) shape.moveTo(east, north);
    else shape.lineTo(east, north);
  });
  return shape;
}

function avatarModel(preset: number, colour: number): { full: THREE.Group; marker: THREE.Mesh } {
  const material = new THREE.MeshLambertMaterial({ color: PALETTE[colour % PALETTE.length] });
  const skin = new THREE.MeshLambertMaterial({ color: 0xe0b48a });
  const full = new THREE.Group();
  // Elders are a little shorter; factory workers wear a helmet; fishers and
  // farmers a wide hat; officers a cap; cyclists ride lower.
  const height = preset === 3 ? 1.5 : preset === 7 ? 1.4 : 1.7;
  const body = new THREE.Mesh(new THREE.CylinderGeometry(0.25, 0.3, height * 0.62, 10), material);
  body.position.y = height * 0.31;
  const head = new THREE.Mesh(new THREE.SphereGeometry(0.18, 12, 10), skin);
  head.position.y = height * 0.62 + 0.2;
  full.add(body, head);
  const hatMaterial = new THREE.MeshLambertMaterial({ color: preset === 2 ? 0xffd600 : 0x6d4c41 });
  let hat: THREE.Mesh | null = null;
  if (preset === 1 || preset === 5) hat = new THREE.Mesh(new THREE.ConeGeometry(0.4, 0.25, 12), hatMaterial);
  if (preset === 2) hat = new THREE.Mesh(new THREE.SphereGeometry(0.2, 10, 6, 0, Math.PI * 2, 0, Math.PI / 2), hatMaterial);
  if (preset === 6) hat = new THREE.Mesh(new THREE.CylinderGeometry(0.2, 0.2, 0.08, 10), hatMaterial);
  if (hat) {
    hat.position.y = head.position.y + 0.15;
    full.add(hat);
  }
  const marker = new THREE.Mesh(new THREE.ConeGeometry(1.2, 3, 6), material);
  marker.rotation.x = Math.PI;
  marker.position.y = 4;
  return { full, marker };
}

export function createScene(canvas: HTMLCanvasElement, map: WorldMap, facts: WorldFacts): CityScene {
  const phone = Math.min(window.innerWidth, window.innerHeight) < 600;
  const renderer = new THREE.WebGLRenderer({ canvas, antialias: !phone, logarithmicDepthBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, phone ? 1.5 : 2));
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0xa9d6f5);
  scene.fog = new THREE.Fog(0xa9d6f5, 400, 2_500);
  const camera = new THREE.PerspectiveCamera(55, 1, 0.5, 6_000);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x8fa37a, 1.1));
  const sun = new THREE.DirectionalLight(0xffffff, 1.2);
  sun.position.set(300, 600, 200);
  scene.add(sun);

  const sea = new THREE.Mesh(new THREE.PlaneGeometry(200_000, 200_000), new THREE.MeshLambertMaterial({ color: 0x4f94c4 }));
  sea.rotation.x = -Math.PI / 2;
  sea.position.y = -0.2;
  scene.add(sea);
  const pickable: THREE.Object3D[] = [];
  const areaMeshes = new Map<THREE.Object3D, number>();
  for (const feature of map.features) {
    if (feature.outline_m.length < 3) continue;
    const geometry = new THREE.ShapeGeometry(shapeOf(feature.outline_m));
    const mesh = new THREE.Mesh(geometry, new THREE.MeshLambertMaterial({ color: GROUND_COLOURS[feature.ground] ?? 0xcccccc }));
    mesh.rotation.x = -Math.PI / 2;
    mesh.position.y = GROUND_HEIGHTS[feature.ground] ?? 0;
    scene.add(mesh);
    if (feature.ground === 'city') buildCity(scene, feature.outline_m);
    if (feature.project_id != null) {
      areaMeshes.set(mesh, feature.project_id);
      pickable.push(mesh);
      plantTrees(scene, feature.outline_m, feature.ground === 'mangrove' ? 0x1e5631 : 0x2e6b2e);
    }
  }

  let factories: FactoryFacts[] = [];
  let areas: AreaFacts[] = [];
  let factoryMesh: THREE.InstancedMesh | null = null;
  function setFacts(next: WorldFacts) {
    areas = next.areas;
    factories = next.factories;
    if (factoryMesh) {
      scene.remove(factoryMesh);
      factoryMesh.geometry.dispose();
      pickable.splice(pickable.indexOf(factoryMesh), 1);
    }
    const box = new THREE.BoxGeometry(60, 1, 60);
    box.translate(0, 0.5, 0);
    factoryMesh = new THREE.InstancedMesh(box, new THREE.MeshLambertMaterial(), Math.max(factories.length, 1));
    const matrix = new THREE.Matrix4();
    factories.forEach((factory, index) => {
      const quintile = factory.intensity_quintile;
      const height = quintile == null ? 12 : 15 + quintile * 12;
      const [x, z] = xz(factory.east_m, factory.north_m);
      matrix.makeScale(1, height, 1).setPosition(x, 0, z);
      factoryMesh!.setMatrixAt(index, matrix);
      factoryMesh!.setColorAt(index, new THREE.Color(quintile == null ? UNPUBLISHED : QUINTILE_COLOURS[quintile]));
    });
    factoryMesh.count = factories.length;
    scene.add(factoryMesh);
    pickable.push(factoryMesh);
  }
  setFacts(facts);

  const avatars = new Map<number, AvatarView>();
  const self = { east: 0, north: 0, heading: 0 };
  const selfModel = avatarModel(0, 0);
  const selfGroup = new THREE.Group();
  selfGroup.add(selfModel.full);
  scene.add(selfGroup);

  let width = 1;
  let height = 1;
  let drawn = 0;
  let running = true;
  let last = performance.now();
  function frame(now: number) {
    if (!running) return;
    const step = Math.min((now - last) / 1000, 0.1);
    last = now;
    for (const avatar of avatars.values()) {
      // Glide towards the last position told, so 5 Hz and 1 Hz updates look smooth.
      const blend = Math.min(1, step * 8);
      avatar.east += (avatar.targetEast - avatar.east) * blend;
      avatar.north += (avatar.targetNorth - avatar.north) * blend;
      const [x, z] = xz(avatar.east, avatar.north);
      avatar.group.position.set(x, 0.1, z);
      const near = Math.hypot(avatar.east - self.east, avatar.north - self.north) < FULL_AVATAR_M;
      avatar.full.visible = near;
      avatar.marker.visible = !near;
    }
    const [sx, sz] = xz(self.east, self.north);
    selfGroup.position.set(sx, 0.1, sz);
    selfGroup.rotation.y = -self.heading;
    const back = 9;
    camera.position.set(sx - Math.sin(self.heading) * back, 5, sz + Math.cos(self.heading) * back);
    camera.lookAt(sx, 1.5, sz);
    renderer.render(scene, camera);
    drawn++;
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);

  const raycaster = new THREE.Raycaster();
  return {
    resize(w, h) {
      width = Math.max(1, w);
      height = Math.max(1, h);
      renderer.setSize(width, height, false);
      camera.aspect = width / height;
      camera.updateProjectionMatrix();
    },
    setSelf(east, north, heading) {
      self.east = east;
      self.north = north;
      self.heading = heading;
    },
    addAvatar(id, preset, colour, east, north) {
      this.removeAvatar(id);
      const { full, marker } = avatarModel(preset, colour);
      const group = new THREE.Group();
      group.add(full, marker);
      scene.add(group);
      avatars.set(id, { group, full, marker, east, north, targetEast: east, targetNorth: north });
    },
    moveAvatar(id, east, north) {
      const avatar = avatars.get(id);
      if (!avatar) return;
      avatar.targetEast = east;
      avatar.targetNorth = north;
    },
    removeAvatar(id) {
      const avatar = avatars.get(id);
      if (!avatar) return;
      scene.remove(avatar.group);
      avatars.delete(id);
    },
    screenPositions() {
      const out = new Map<number, { x: number; y: number; distance: number } | null>();
      const point = new THREE.Vector3();
      for (const [id, avatar] of avatars) {
        const distance = Math.hypot(avatar.east - self.east, avatar.north - self.north);
        const [x, z] = xz(avatar.east, avatar.north);
        point.set(x, 2.3, z).project(camera);
        const visible = point.z < 1 && Math.abs(point.x) <= 1 && Math.abs(point.y) <= 1;
        out.set(id, visible ? { x: ((point.x + 1) / 2) * width, y: ((1 - point.y) / 2) * height, distance } : null);
      }
      return out;
    },
    setFacts,
    pick(x, y) {
      raycaster.setFromCamera(new THREE.Vector2((x / width) * 2 - 1, -(y / height) * 2 + 1), camera);
      const hit = raycaster.intersectObjects(pickable, false)[0];
      if (!hit) return null;
      if (hit.object === factoryMesh && hit.instanceId != null) {
        const factory = factories[hit.instanceId];
        return factory ? { kind: 'factory', factory } : null;
      }
      const project = areaMeshes.get(hit.object);
      const area = areas.find((a) => a.project_id === project);
      return area ? { kind: 'area', area } : null;
    },
    frames: () => drawn,
    dispose() {
      running = false;
      renderer.dispose();
    },
  };
}

/// The city centre's blocks and streets, GENERATED (the map has no
/// buildings): 80 m blocks between 14 m streets, each with a few buildings
/// of a height fixed by where it stands, and a plaza around the clock tower
/// at the origin where people arrive.
function buildCity(scene: THREE.Scene, outline: number[][]) {
  const BLOCK = 80;
  const STREET = 14;
  const PLAZA = 70;
  const eastValues = outline.map((p) => p[0]);
  const northValues = outline.map((p) => p[1]);
  const lots: [number, number, number, number][] = [];
  for (let e = Math.min(...eastValues); e < Math.max(...eastValues); e += BLOCK + STREET) {
    for (let n = Math.min(...northValues); n < Math.max(...northValues); n += BLOCK + STREET) {
      for (let part = 0; part < 4; part++) {
        const le = e + (part % 2) * (BLOCK / 2) + 4;
        const ln = n + Math.floor(part / 2) * (BLOCK / 2) + 4;
        const centreE = le + BLOCK / 4 - 4;
        const centreN = ln + BLOCK / 4 - 4;
        if (Math.hypot(centreE, centreN) < PLAZA || !inside(outline, centreE, centreN)) continue;
        const seed = Math.abs(Math.sin(centreE * 12.9898 + centreN * 78.233) * 43758.5453) % 1;
        if (seed < 0.15) continue; // an open lot or a small park
        lots.push([centreE, centreN, BLOCK / 2 - 10, 6 + Math.floor(seed * 6) * 4]);
      }
    }
  }
  const box = new THREE.BoxGeometry(1, 1, 1);
  box.translate(0, 0.5, 0);
  const buildings = new THREE.InstancedMesh(box, new THREE.MeshLambertMaterial(), Math.max(lots.length, 1));
  const matrix = new THREE.Matrix4();
  const shades = [0xf2efe9, 0xe8e1d5, 0xdcd6cc, 0xf5e6c8, 0xe3ebe8];
  lots.forEach(([e, n, side, height], index) => {
    const [x, z] = xz(e, n);
    buildings.setMatrixAt(index, matrix.makeScale(side, height, side).setPosition(x, 0, z));
    buildings.setColorAt(index, new THREE.Color(shades[index % shades.length]));
  });
  buildings.count = lots.length;
  scene.add(buildings);
  // The clock tower, on the plaza's north-west side.
  const tower = new THREE.Mesh(new THREE.BoxGeometry(4, 18, 4), new THREE.MeshLambertMaterial({ color: 0xb0785a }));
  tower.position.set(-40, 9, -40);
  scene.add(tower);
}

/// Trees over an area, from simple cones, in a fixed pattern.
function plantTrees(scene: THREE.Scene, outline: number[][], colour: number) {
  const eastValues = outline.map((p) => p[0]);
  const northValues = outline.map((p) => p[1]);
  const [west, east] = [Math.min(...eastValues), Math.max(...eastValues)];
  const [south, north] = [Math.min(...northValues), Math.max(...northValues)];
  const spots: [number, number][] = [];
  for (let e = west; e < east; e += 18) {
    for (let n = south; n < north; n += 18) {
      const je = e + ((n * 7) % 9);
      if (inside(outline, je, n)) spots.push([je, n]);
    }
  }
  const cone = new THREE.ConeGeometry(2.5, 7, 7);
  cone.translate(0, 3.5, 0);
  const trees = new THREE.InstancedMesh(cone, new THREE.MeshLambertMaterial({ color: colour }), Math.max(spots.length, 1));
  const matrix = new THREE.Matrix4();
  spots.forEach(([e, n], index) => {
    const [x, z] = xz(e, n);
    trees.setMatrixAt(index, matrix.makeTranslation(x, 0, z));
  });
  trees.count = spots.length;
  scene.add(trees);
}

function inside(outline: number[][], east: number, north: number): boolean {
  let result = false;
  for (let i = 0, j = outline.length - 1; i < outline.length; j = i++) {
    const [ei, ni] = outline[i];
    const [ej, nj] = outline[j];
    if (ni > north !== nj > north && east < ((ej - ei) * (north - ni)) / (nj - ni) + ei) result = !result;
  }
  return result;
}
