//! A project's outline drawn over the bundled schematic of Rayong: an
//! overview of the province with the project marked, and a close view of
//! the outline itself, each with a scale bar. Nothing is fetched.

import { useI18n } from '../i18n/i18n';
import type { LonLat } from '../lib/types';
import {
  boundsOf,
  centreOf,
  distanceLabel,
  fitProjection,
  niceDistance,
  padBox,
  widen,
  pathData,
  type Box,
  type Projection,
} from './projection';
import { KO_SAMET, OVERVIEW_BOX, PLACES, PROVINCE, RAYONG_RIVER, SEA_LABEL_AT } from './rayong';

const VIEW_WIDTH = 400;
/// Both views share a landscape shape so that they stack evenly.
const CLOSE_VIEW_ASPECT = 1.6;

function ScaleBar({ projection }: { projection: Projection }) {
  const { t, num } = useI18n();
  const metres = niceDistance((projection.width * 0.3) / projection.unitsPerMetre);
  const length = metres * projection.unitsPerMetre;
  const label = distanceLabel(metres);
  const y = projection.height - 14;
  return (
    <g class="scale-bar" aria-hidden="true">
      <rect x="8" y={y - 24} width={length + 16} height="34" rx="3" class="scale-backdrop" />
      <line x1="16" y1={y} x2={16 + length} y2={y} />
      <line x1="16" y1={y - 5} x2="16" y2={y + 5} />
      <line x1={16 + length} y1={y - 5} x2={16 + length} y2={y + 5} />
      <text x={16 + length / 2} y={y - 5} text-anchor="middle">
        {t(label.unit === 'km' ? 'unit.km' : 'unit.m', { value: num(label.value) })}
      </text>
    </g>
  );
}

function Land({ projection, labels }: { projection: Projection; labels: boolean }) {
  const { t } = useI18n();
  const [seaX, seaY] = projection.project(SEA_LABEL_AT);
  return (
    <g>
      <path d={pathData(PROVINCE, projection, true)} class="land" />
      <path d={pathData(KO_SAMET, projection, true)} class="land" />
      <path d={pathData(RAYONG_RIVER, projection, false)} class="river" />
      {labels &&
        PLACES.map((place) => {
          const [x, y] = projection.project(place.at);
          return (
            <text x={x} y={y} class="place" text-anchor={place.anchor} key={place.label}>
              {t(place.label)}
            </text>
          );
        })}
      {labels && (
        <text x={seaX} y={seaY} class="sea" text-anchor="middle">
          {t('map.sea')}
        </text>
      )}
    </g>
  );
}

function MapView(props: { box: Box; outline: LonLat[]; marker: boolean; labels: boolean; title: string }) {
  const projection = fitProjection(props.box, VIEW_WIDTH);
  const [mx, my] = projection.project(centreOf(props.outline));
  return (
    <svg
      viewBox={`0 0 ${VIEW_WIDTH} ${projection.height.toFixed(0)}`}
      class="map"
      role="img"
      aria-label={props.title}
      preserveAspectRatio="xMidYMid meet"
    >
      <rect width={VIEW_WIDTH} height={projection.height} class="sea-fill" />
      <Land projection={projection} labels={props.labels} />
      <path d={pathData(props.outline, projection, true)} class="outline" />
      {props.marker && <circle cx={mx} cy={my} r="7" class="marker" />}
      <ScaleBar projection={projection} />
    </svg>
  );
}


export function ProjectMap({ outline, name }: { outline: LonLat[]; name: string }) {
  const { t } = useI18n();
  if (outline.length < 3) return null;
  const close = widen(padBox(boundsOf(outline), 0.6, 0.012), CLOSE_VIEW_ASPECT);
  return (
    <figure class="project-map">
      <div class="map-pair">
        <MapView
          box={OVERVIEW_BOX}
          outline={outline}
          marker
          labels
          title={t('map.overview_title', { name })}
        />
        <MapView box={close} outline={outline} marker={false} labels={false} title={t('map.close_title', { name })} />
      </div>
      <figcaption>{t('map.caption')}</figcaption>
    </figure>
  );
}
