// The client's other logic: language detection, routing, errors beside
// their fields, the map's projection and scale bar, outlines as typed.

import { describe, expect, it } from 'vitest';
import { defaultEra, detectLocale } from '../src/i18n/i18n';
import { translate } from '../src/i18n/translate';
import { ApiError, queryString } from '../src/lib/api';
import { describeError, formFieldOf } from '../src/lib/errors';
import { matchPath } from '../src/lib/router';
import { boundsOf, distanceLabel, fitProjection, niceDistance, padBox, parseOutline, widen } from '../src/map/projection';
import { PROVINCE } from '../src/map/rayong';
import { bufferBpsOf } from '../src/pages/project-form';
import { safeNext } from '../src/pages/sign-in';
import { pageCount } from '../src/ui/bits';

describe('language', () => {
  it('starts in Thai for a Thai browser and English otherwise', () => {
    expect(detectLocale(['th-TH', 'en-US'])).toBe('th');
    expect(detectLocale(['th'])).toBe('th');
    expect(detectLocale(['en-GB', 'th'])).toBe('en');
    expect(detectLocale(['fr-FR', 'th-TH'])).toBe('th');
    expect(detectLocale(['fr-FR'])).toBe('en');
    expect(detectLocale([])).toBe('en');
    expect(defaultEra('th')).toBe('be');
    expect(defaultEra('en')).toBe('ce');
  });

  it('fills placeholders', () => {
    expect(translate('en', 'pager.page', { page: 2, pages: 5 })).toBe('Page 2 of 5');
    expect(translate('th', 'pager.page', { page: 2, pages: 5 })).toBe('หน้า 2 จาก 5');
  });
});

describe('routes', () => {
  it('match patterns and decode parameters', () => {
    expect(matchPath('/projects/:id', '/projects/12')).toEqual({ id: '12' });
    expect(matchPath('/projects/:id', '/projects/12/edit')).toBeNull();
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/serials/:s', '/serials/TH-RYG%2F1')).toEqual({ s: 'TH-RYG/1' });
    expect(matchPath('/projects/new', '/projects/12')).toBeNull();
  });

  it('follow only same-site paths after sign-in', () => {
    expect(safeNext('/account')).toBe('/account');
    expect(safeNext('//evil.example')).toBeNull();
    expect(safeNext('https://evil.example')).toBeNull();
    expect(safeNext(null)).toBeNull();
  });

  it('build query strings without empty values', () => {
    expect(queryString({ page: 2, q: '', status: undefined, proponent: 3 })).toBe('?page=2&proponent=3');
    expect(queryString({})).toBe('');
    expect(pageCount(0, 20)).toBe(1);
    expect(pageCount(41, 20)).toBe(3);
  });
});

describe('server errors', () => {
  const fields = ['to_account', 'batch_id', 'quantity', 'name'];

  it('land beside the field they name, through known aliases', () => {
    expect(formFieldOf('to', fields)).toBe('to_account');
    expect(formFieldOf('batch', fields)).toBe('batch_id');
    expect(formFieldOf('quantity', fields)).toBe('quantity');
    expect(formFieldOf('serial', fields)).toBeNull();
    expect(formFieldOf(null, fields)).toBeNull();
  });

  it('are translated when recognised and kept as detail otherwise', () => {
    const empty = new ApiError(422, 'invalid', 'name must not be empty', 'name');
    expect(describeError(empty)).toEqual({ key: 'error.required', params: {} });
    const short = new ApiError(409, 'insufficient', 'account 6 holds 12 tCO2e active of batch 1 (0 tCO2e more held in escrow); 50 tCO2e asked', 'quantity');
    expect(describeError(short)).toEqual({ key: 'error.insufficient_holding', params: { held: 12 } });
    const odd = new ApiError(409, 'conflict', 'report 4 was already reviewed', null);
    expect(describeError(odd)).toEqual({ key: 'error.conflict', detail: 'report 4 was already reviewed' });
    expect(describeError(new ApiError(0, 'network', 'TypeError', null))).toEqual({ key: 'error.network', detail: undefined });
  });
});

describe('map', () => {
  it('keeps ground proportions at Rayong latitude', () => {
    const box = { west: 101, south: 12, east: 102, north: 13 };
    const projection = fitProjection(box, 400);
    // A degree of longitude at 12.5°N is cos(12.5°) ≈ 0.976 of a degree of latitude.
    expect(projection.height / projection.width).toBeCloseTo(1 / Math.cos((12.5 * Math.PI) / 180), 3);
    expect(projection.project([101, 13])).toEqual([0, 0]);
    const [x, y] = projection.project([102, 12]);
    expect(x).toBeCloseTo(400, 6);
    expect(y).toBeCloseTo(projection.height, 6);
  });

  it('chooses round scale-bar lengths', () => {
    expect(niceDistance(740)).toBe(500);
    expect(niceDistance(2600)).toBe(2000);
    expect(niceDistance(1000)).toBe(1000);
    expect(niceDistance(19_999)).toBe(10_000);
    expect(niceDistance(0)).toBe(0);
    expect(distanceLabel(2000)).toEqual({ value: 2, unit: 'km' });
    expect(distanceLabel(500)).toEqual({ value: 500, unit: 'm' });
  });

  it('pads small outlines to a visible minimum', () => {
    const box = padBox({ west: 101.27, south: 12.66, east: 101.271, north: 12.661 }, 0.5, 0.01);
    expect(box.east - box.west).toBeCloseTo(0.01, 9);
    expect(box.north - box.south).toBeCloseTo(0.01, 9);
  });

  it('widens a view to a landscape shape on the ground', () => {
    const square = { west: 101.27, south: 12.66, east: 101.28, north: 12.67 };
    const wide = fitProjection(widen(square, 1.6), 400);
    expect(wide.width / wide.height).toBeCloseTo(1.6, 6);
    const flat = fitProjection(widen({ west: 101, south: 12.6, east: 101.5, north: 12.61 }, 1.6), 400);
    expect(flat.width / flat.height).toBeCloseTo(1.6, 6);
  });

  it('has a schematic province around the demo projects', () => {
    const province = boundsOf(PROVINCE);
    for (const [lon, lat] of [[101.2795, 12.6655], [101.326, 12.777], [101.156, 12.69]]) {
      expect(lon).toBeGreaterThan(province.west);
      expect(lon).toBeLessThan(province.east);
      expect(lat).toBeGreaterThan(province.south);
      expect(lat).toBeLessThan(province.north);
    }
  });

  it('reads outlines typed one point per line', () => {
    expect(parseOutline('101.27, 12.66\n101.28 12.66\n\n101.28;12.67')).toEqual({
      points: [[101.27, 12.66], [101.28, 12.66], [101.28, 12.67]],
    });
    expect(parseOutline('101.27, 12.66\nnorth')).toEqual({ badLine: 2 });
    expect(parseOutline('1, 2, 3')).toEqual({ badLine: 1 });
  });

  it('reads buffer shares typed as percentages', () => {
    expect(bufferBpsOf('15')).toBe(1500);
    expect(bufferBpsOf('12.5%')).toBe(1250);
    expect(bufferBpsOf('')).toBeNull();
    expect(bufferBpsOf('150')).toBeNaN();
    expect(bufferBpsOf('lots')).toBeNaN();
  });
});
