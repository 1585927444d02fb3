//! A SCHEMATIC outline of Rayong province (TH-21): hand-placed points that
//! follow the coast from Ban Chang to the Prasae estuary and a simplified
//! inland border, plus Ko Samet. It places a project in its surroundings;
//! it is not a survey and must not be used to judge a boundary. Written for
//! Mangrove, as GeoJSON-style [longitude, latitude] pairs (WGS 84).

import type { LonLat } from '../lib/types';
import type { MessageKey } from '../i18n/messages';

/// The province, clockwise from the western end of its coast.
export const PROVINCE: LonLat[] = [
  [100.99, 12.72],
  [101.0, 12.8],
  [101.12, 12.88],
  [101.25, 12.95],
  [101.4, 13.0],
  [101.55, 13.05],
  [101.72, 13.0],
  [101.8, 12.85],
  [101.83, 12.7],
  // The coast, east to west.
  [101.76, 12.66],
  [101.72, 12.665],
  [101.69, 12.64],
  [101.64, 12.62],
  [101.58, 12.64],
  [101.52, 12.635],
  [101.45, 12.625],
  [101.4, 12.635],
  [101.33, 12.655],
  [101.29, 12.662],
  [101.28, 12.666],
  [101.27, 12.664],
  [101.25, 12.66],
  [101.2, 12.655],
  [101.15, 12.67],
  [101.1, 12.675],
  [101.05, 12.69],
  [100.99, 12.72],
];

export const KO_SAMET: LonLat[] = [
  [101.445, 12.595],
  [101.46, 12.59],
  [101.465, 12.56],
  [101.455, 12.525],
  [101.44, 12.53],
  [101.435, 12.565],
  [101.445, 12.595],
];

/// The Rayong river, from inland down to its mouth.
export const RAYONG_RIVER: LonLat[] = [
  [101.33, 12.8],
  [101.31, 12.74],
  [101.29, 12.7],
  [101.28, 12.666],
];

export interface Place {
  at: LonLat;
  label: MessageKey;
  anchor: 'start' | 'middle' | 'end';
}

/// Labels sit beside their towns rather than on them, clear of one another.
export const PLACES: Place[] = [
  { at: [101.3, 12.715], label: 'map.place.rayong', anchor: 'start' },
  { at: [101.14, 12.72], label: 'map.place.map_ta_phut', anchor: 'middle' },
  { at: [101.47, 12.665], label: 'map.place.ban_phe', anchor: 'middle' },
  { at: [101.48, 12.55], label: 'map.place.ko_samet', anchor: 'start' },
];

/// Where the sea is, for the label.
export const SEA_LABEL_AT: LonLat = [101.32, 12.52];

/// The overview's extent: the province, Ko Samet and a band of sea.
export const OVERVIEW_BOX = { west: 100.95, south: 12.46, east: 101.87, north: 13.08 };
