//! Charts drawn as plain SVG at the width they are given, so that their
//! text stays legible on a phone. Every chart is a figure with a caption
//! and a table of the same numbers beside it, for screen readers and for
//! anyone who wants the figures.

import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useI18n, type MessageKey } from '../i18n/i18n';

/// The width of the element, followed as it changes.
export function useWidth(initial = 600) {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = () => setWidth(Math.max(240, Math.floor(element.clientWidth)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

/// A round step for an axis: 1, 2 or 5 times a power of ten.
export function niceStep(max: number, ticks: number): number {
  if (!(max > 0)) return 1;
  const raw = max / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const factor = raw / power;
  return (factor <= 1 ? 1 : factor <= 2 ? 2 : factor <= 5 ? 5 : 10) * power;
}

export function niceTicks(max: number, ticks = 4): number[] {
  const step = niceStep(max, ticks);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const out: number[] = [];
  for (let v = 0; v <= top + step / 2; v += step) out.push(v);
  return out;
}

export interface ChartFigureProps {
  id: string;
  title: MessageKey;
  summary: string;
  table: ComponentChildren;
  children: (width: number) => ComponentChildren;
  testid?: string;
}

/// The frame around a chart: caption, the drawing, and its table.
export function ChartFigure(props: ChartFigureProps) {
  const { t } = useI18n();
  const { ref, width } = useWidth();
  return (
    <figure class="chart card" aria-labelledby={`${props.id}-caption`} data-testid={props.testid}>
      <figcaption id={`${props.id}-caption`}>
        <h2>{t(props.title)}</h2>
        <p class="hint">{props.summary}</p>
      </figcaption>
      <div class="chart-area" ref={ref}>
        {props.children(width)}
      </div>
      <details class="chart-table">
        <summary>{t('chart.show_table')}</summary>
        {props.table}
      </details>
    </figure>
  );
}

export interface Series {
  key: string;
  label: string;
  tone: string;
  values: Record<string, number>;
}

/// Vertical bars per category (years), one bar per series side by side,
/// with an optional line drawn over a longer run of categories and
/// vertical markers on some of them.
export function ColumnChart(props: {
  width: number;
  label: string;
  categories: string[];
  bars: Series[];
  line?: Series;
  markers?: { at: string; label: string }[];
  tickEvery?: (category: string, index: number) => boolean;
}) {
  const { num, t } = useI18n();
  const { width, categories, bars, line } = props;
  const height = width < 500 ? 240 : 300;
  const left = width < 500 ? 56 : 72;
  const right = 12;
  // Room above the plot for each marker's label on a line of its own.
  const markerCount = props.markers?.length ?? 0;
  const top = markerCount ? 24 + 16 * markerCount : 26;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const max = Math.max(
    1,
    ...bars.flatMap((s) => categories.map((c) => s.values[c] ?? 0)),
    ...(line ? categories.map((c) => line.values[c] ?? 0) : []),
  );
  const ticks = niceTicks(max);
  const yMax = ticks[ticks.length - 1];
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const band = plotW / categories.length;
  const x = (index: number) => left + band * index;
  const gap = Math.min(6, band * 0.15);
  // Bars no wider than 48 px, the group centred in its band.
  const barW = Math.min(48, Math.max(1, (band - gap * 2) / Math.max(1, bars.length)));
  const inset = (band - barW * bars.length) / 2;
  const every = props.tickEvery ?? (() => true);
  const linePoints = line
    ? categories
        .map((c, i) => (c in line.values ? `${(x(i) + band / 2).toFixed(1)},${y(line.values[c]).toFixed(1)}` : null))
        .filter(Boolean)
        .join(' ')
    : '';
  return (
    <svg class="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label}>
      <text class="axis-title" x={4} y={14}>
        {t('chart.axis_tonnes')}
      </text>
      {ticks.map((v) => (
        <g key={v}>
          <line class="grid" x1={left} x2={width - right} y1={y(v)} y2={y(v)} />
          <text class="tick" x={left - 6} y={y(v) + 4} text-anchor="end">
            {num(v)}
          </text>
        </g>
      ))}
      {bars.map((series, s) =>
        categories.map((c, i) =>
          c in series.values ? (
            <rect
              key={`${series.key}-${c}`}
              class={`bar tone-${series.tone}`}
              data-series={series.key}
              x={x(i) + inset + barW * s}
              y={y(series.values[c])}
              width={barW}
              height={Math.max(0, top + plotH - y(series.values[c]))}
            />
          ) : null,
        ),
      )}
      {props.markers?.map((marker, k) => {
        const i = categories.indexOf(marker.at);
        if (i < 0) return null;
        const mx = x(i) + band / 2;
        // Each label on a line of its own, so that close ones never overlap.
        const end = i > categories.length * 0.8;
        return (
          <g key={marker.at} class="marker">
            <line x1={mx} x2={mx} y1={top - 4} y2={top + plotH} />
            <text x={end ? mx - 4 : mx} y={34 + k * 16} text-anchor={end ? 'end' : 'middle'}>
              {marker.label}
            </text>
          </g>
        );
      })}
      {line && <polyline class={`trend tone-${line.tone}`} points={linePoints} />}
      <line class="axis" x1={left} x2={width - right} y1={top + plotH} y2={top + plotH} />
      {categories.map((c, i) =>
        every(c, i) ? (
          <text key={c} class="tick" x={x(i) + band / 2} y={top + plotH + 18} text-anchor="middle">
            {c}
          </text>
        ) : null,
      )}
    </svg>
  );
}

/// Horizontal bars, one row per item, largest first, each with its value.
export function BarList(props: { width: number; label: string; rows: { key: string; label: string; value: number }[] }) {
  const { num, t } = useI18n();
  const { width, rows } = props;
  const narrow = width < 500;
  // On a phone the label sits above its bar; on a desktop, to its left.
  const labelW = narrow ? 0 : Math.min(200, width * 0.3);
  const row = narrow ? 46 : 30;
  const top = 22;
  const valueW = narrow ? 80 : 96;
  const plotW = width - labelW - valueW - 8;
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = top + rows.length * row + 24;
  const ticks = niceTicks(max, narrow ? 3 : 5);
  const scale = plotW / ticks[ticks.length - 1];
  return (
    <svg class="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label}>
      {ticks.map((v) => (
        <g key={v}>
          <line class="grid" x1={labelW + v * scale} x2={labelW + v * scale} y1={top - 4} y2={height - 20} />
          <text class="tick" x={labelW + v * scale} y={height - 4} text-anchor={v === 0 ? 'start' : 'middle'}>
            {num(v)}
          </text>
        </g>
      ))}
      <text class="axis-title" x={width - 4} y={12} text-anchor="end">
        {t('chart.axis_tonnes')}
      </text>
      {rows.map((r, i) => {
        const barY = top + i * row + (narrow ? 18 : 5);
        const barH = narrow ? 20 : 20;
        return (
          <g key={r.key}>
            <text class="row-label" x={narrow ? 0 : labelW - 8} y={narrow ? barY - 5 : barY + 15} text-anchor={narrow ? 'start' : 'end'}>
              {r.label}
            </text>
            <rect class="bar tone-brand" x={labelW} y={barY} width={Math.max(1, r.value * scale)} height={barH} />
            <text class="value" x={labelW + r.value * scale + 6} y={barY + 15}>
              {num(Math.round(r.value))}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

/// A legend for the series of a chart.
export function Legend({ items }: { items: { key: string; label: string; tone: string; line?: boolean }[] }) {
  return (
    <ul class="legend">
      {items.map((item) => (
        <li key={item.key}>
          <span class={`swatch tone-${item.tone}${item.line ? ' line' : ''}`} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

/// Axis steps over a range of prices that need not start at zero.
export function priceTicks(min: number, max: number, count = 4): number[] {
  const step = niceStep(Math.max(1, max - min), count);
  const low = Math.floor(min / step) * step;
  let high = Math.ceil(max / step) * step;
  if (high === low) high += step;
  const out: number[] = [];
  for (let v = low; v <= high + step / 2; v += step) out.push(v);
  return out;
}

/// Candles, oldest on the left and the latest against the right edge, with
/// each interval's volume in a band beneath. Prices are satang; the axis
/// reads baht.
export function CandleChart(props: {
  width: number;
  label: string;
  candles: { at_ms: number; open_satang: number; high_satang: number; low_satang: number; close_satang: number; volume_tco2e: number }[];
  timeLabel: (ms: number) => string;
  /// Room one time label needs, in pixels, so that labels never overlap.
  labelWidth?: number;
}) {
  const { num, t } = useI18n();
  const { width, candles } = props;
  const narrow = width < 500;
  const height = narrow ? 260 : 320;
  const left = narrow ? 52 : 64;
  const right = 12;
  const top = 26;
  const bottom = 34;
  const volumeH = 44;
  const gap = 12;
  const plotW = width - left - right;
  const priceH = height - top - bottom - volumeH - gap;
  const lows = candles.map((c) => c.low_satang);
  const highs = candles.map((c) => c.high_satang);
  // A flat market still gets a little room above and below.
  const pad = Math.max(100, Math.round((Math.max(...highs) || 0) * 0.02));
  const ticks = priceTicks(Math.min(...lows) - pad, Math.max(...highs) + pad, narrow ? 3 : 4);
  const lo = ticks[0];
  const hi = ticks[ticks.length - 1];
  const y = (v: number) => top + priceH - ((v - lo) / (hi - lo)) * priceH;
  const slots = Math.max(candles.length, narrow ? 12 : 24);
  const band = plotW / slots;
  const offset = slots - candles.length;
  const cx = (i: number) => left + band * (offset + i) + band / 2;
  const bodyW = Math.max(2, Math.min(16, band * 0.6));
  const volumeTop = top + priceH + gap;
  const volumeMax = Math.max(1, ...candles.map((c) => c.volume_tco2e));
  // Every few candles a time, counted back from the latest, whose label
  // ends at its candle; the one before it is left out when it would touch.
  const labelWidth = props.labelWidth ?? 48;
  const every = Math.max(1, Math.ceil(labelWidth / band));
  const labelled = (i: number) => {
    const back = candles.length - 1 - i;
    return back % every === 0 && !(back === every && every * band < labelWidth * 1.5);
  };
  return (
    <svg class="chart-svg" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.label}>
      <text class="axis-title" x={4} y={14}>
        {t('market.axis_price')}
      </text>
      {ticks.map((v) => (
        <g key={v}>
          <line class="grid" x1={left} x2={width - right} y1={y(v)} y2={y(v)} />
          <text class="tick" x={left - 6} y={y(v) + 4} text-anchor="end">
            {num(v / 100)}
          </text>
        </g>
      ))}
      <text class="tick" x={left - 6} y={volumeTop + volumeH / 2 + 4} text-anchor="end">
        {t('market.axis_volume')}
      </text>
      <line class="axis" x1={left} x2={width - right} y1={volumeTop + volumeH} y2={volumeTop + volumeH} />
      {candles.map((c, i) => {
        const up = c.close_satang >= c.open_satang;
        const bodyTop = y(Math.max(c.open_satang, c.close_satang));
        const bodyH = Math.max(2, Math.abs(y(c.open_satang) - y(c.close_satang)));
        const vh = (c.volume_tco2e / volumeMax) * volumeH;
        return (
          <g key={c.at_ms} class={`candle ${up ? 'up' : 'down'}`} data-at={c.at_ms}>
            <line class="wick" x1={cx(i)} x2={cx(i)} y1={y(c.high_satang)} y2={y(c.low_satang)} />
            <rect class="body" x={cx(i) - bodyW / 2} y={bodyTop} width={bodyW} height={bodyH} />
            <rect class="bar tone-info" x={cx(i) - bodyW / 2} y={volumeTop + volumeH - vh} width={bodyW} height={vh} />
          </g>
        );
      })}
      {candles.map((c, i) =>
        labelled(i) ? (
          <text key={c.at_ms} class="tick" x={cx(i)} y={height - 12} text-anchor={i === candles.length - 1 ? 'end' : 'middle'}>
            {props.timeLabel(c.at_ms)}
          </text>
        ) : null,
      )}
    </svg>
  );
}
