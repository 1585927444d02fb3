//! The shapes of the API's JSON. Most are the types generated from the
//! server's OpenAPI document (`src/api/schema.d.ts`, by `npm run api:types`
//! from `src/api/openapi.json`; both are checked fresh by tests); the few
//! still written here list only the fields the client reads, where the
//! client relies on a field the document calls optional or on an enum the
//! document gives as text.

import type { InclusionProof, TreeHead } from './proof';

export type { InclusionProof, TreeHead };

import type { components } from '../api/schema';
/// The API's shapes, generated from its OpenAPI document (`npm run api:types`).
type Schemas = components['schemas'];

export type Role = 'operator' | 'verifier' | 'proponent' | 'factory' | 'citizen';
export const ROLES: Role[] = ['operator', 'verifier', 'proponent', 'factory', 'citizen'];

export type ProjectStatus = 'draft' | 'submitted' | 'changes_requested' | 'validated' | 'registered' | 'rejected';
export const PROJECT_STATUSES: ProjectStatus[] = [
  'draft',
  'submitted',
  'changes_requested',
  'validated',
  'registered',
  'rejected',
];

export type ReportStatus = 'submitted' | 'verified' | 'rejected' | 'issued';
export const REPORT_STATUSES: ReportStatus[] = ['submitted', 'verified', 'rejected', 'issued'];

export type ClassKind = 'removal' | 'reduction';

export interface Paged<T> {
  items: T[];
  total: number;
  page: number;
  per_page: number;
}

export interface User {
  id: number;
  username: string;
  display_name: string;
  org_id: number | null;
  org_name: string;
  account_id: number | null;
  role: Role;
  status?: 'active' | 'disabled' | 'pending';
  created_at_ms?: number;
  /** Who let this login in, as the journal records it (absent for older logins). */
  created_by?: ActorView | null;
  disabled_by?: ActorView | null;
  disabled_reason?: string | null;
}

/** Who acted, as the journal records it: the deployment, or a login of an organisation. */
export type ActorView = Schemas['ActorView'];

export type Organisation = Schemas['Organisation'];

export type CreditClass = Schemas['CreditClass'];

export type LonLat = [number, number];

export interface Project {
  id: number;
  class: number;
  proponent: number;
  name: string;
  description: string;
  jurisdiction: string;
  location: LonLat[];
  area_rai: number;
  buffer_bps: number;
  status: ProjectStatus;
  review_note: string;
  class_code: string;
  proponent_name: string;
  issued_tco2e: number;
  retired_tco2e: number;
}

export type Report = Schemas['ReportView'];

export type Batch = Schemas['BatchView'];

export interface ProjectDetail extends Project {
  batches: Batch[];
  reports: Report[];
}

export type Block = Schemas['BlockView'];

export type SerialView = Schemas['SerialView'];

export type Retirement = Schemas['RetirementView'];

export type Stats = Schemas['Stats'];

export type Holding = Schemas['HoldingView'];

export type AccountView = Schemas['AccountView'];

export type JournalEvent = Schemas['Envelope'];

/// What a command made, typed (`CommandResult` on the server).
export type CommandResult = Schemas['CommandResult'];

export type CommandResponse = Schemas['CommandResponse'];

/// Tonnes keyed by year ("2025": 123.4).
export type ByYear = Record<string, number>;

export interface Dashboard {
  journal_size: number;
  factories: number;
  synthetic_factories: number;
  inventories: number;
  activity_lines: number;
  total_tco2e_by_year: ByYear;
  scope1_tco2e_by_year: ByYear;
  scope2_tco2e_by_year: ByYear;
  by_sector: Record<string, ByYear>;
  by_district: Record<string, ByYear>;
  race_to_zero: {
    base_year: number;
    base_tco2e: number;
    carbon_neutral_year: number;
    net_zero_year: number;
    trajectory: ByYear;
  };
  removals_tco2e_by_vintage: ByYear;
  issued_tco2e_by_vintage: ByYear;
  retired_tco2e_by_inventory_year: ByYear;
  top_emitters_year: number | null;
  top_emitters: { org_id: number; name: string; sector: string; tco2e: number; synthetic: boolean }[];
}

export type Factory = Schemas['FactoryView'];

export type InventoryLine = Schemas['EmissionLine'];

export type FactoryInventory = Schemas['InventoryView'];

export type FactorUsed = Schemas['Factor'];

export type TargetSetting = Schemas['TargetSetting'];

export interface FactoryProgress {
  target: TargetSetting | null;
  trajectory: { year: number; allowed_tco2e: number }[];
  years: {
    year: number;
    actual_tco2e: number;
    retired_tco2e: number;
    net_tco2e: number;
    progress: { allowed_tco2e: number; over_tco2e: number; on_track: boolean; reduction_from_base_bps: number } | null;
  }[];
}

export type ReductionKind =
  | 'steam_reduction'
  | 'ai_steam_optimisation'
  | 'gas_turbine_inlet_filter'
  | 'hydrogen_mobility'
  | 'electric_vehicles'
  | 'other';

export const REDUCTION_KINDS: ReductionKind[] = [
  'steam_reduction',
  'ai_steam_optimisation',
  'gas_turbine_inlet_filter',
  'hydrogen_mobility',
  'electric_vehicles',
  'other',
];

export type Reduction = Schemas['ReductionView'];

export interface Practice {
  id: number;
  org_id: number;
  factory: string;
  reduction_id: number | null;
  kind: ReductionKind;
  title: string;
  summary: string;
  measured_reduction_tco2e: number;
  measured_year: number;
  measurement: string;
  investment_baht: number | null;
  synthetic: boolean;
}

export type CsvProblem = Schemas['LineProblem'];

// The exchange (routes/market.rs): prices are satang per tonne (100 to the
// baht), quantities whole tonnes, moments milliseconds since the epoch.

export type ExchangeInfo = Schemas['ExchangeView'];

export type Instrument = Schemas['InstrumentView'];

export type BookLevel = Schemas['LevelRow'];

export type Book = Schemas['BookView'];

export type Side = 'buy' | 'sell';
export const SIDES: Side[] = ['buy', 'sell'];
export type OrderType = 'limit' | 'market';
export const ORDER_TYPES: OrderType[] = ['limit', 'market'];
export type TimeInForce = 'gtc' | 'ioc' | 'fok' | 'post_only';
export const TIMES_IN_FORCE: TimeInForce[] = ['gtc', 'ioc', 'fok', 'post_only'];
export type OrderStatus = 'open' | 'filled' | 'cancelled' | 'self_trade' | 'expired' | 'done';

export interface Trade {
  id: number;
  instrument_id: number;
  price_satang: number;
  qty_tco2e: number;
  value_satang: number;
  buyer_org_id: number;
  buyer: string;
  seller_org_id: number;
  seller: string;
  /// The resting order's side; null for an auction's trade.
  maker_side: Side | null;
  fee_satang: number;
  auction_id: number | null;
  at_ms: number;
}

/// A trade as the registry's explorer shows it: with the serials it
/// delivered from the seller's account to the buyer's.
export interface TradeDelivery extends Trade {
  instrument_code: string;
  batch_id: number;
  project_id: number;
  project_name: string;
  buyer_account_id: number;
  seller_account_id: number;
  /// The orders that met; null for an auction's allocation.
  buyer_order_id: number | null;
  seller_order_id: number | null;
  /// Empty only for a trade recorded before trades named their units.
  serials: string[];
}

export type Candle = Schemas['Candle'];

export interface Order {
  id: number;
  instrument_id: number;
  code: string;
  side: Side;
  type: OrderType;
  price_satang: number | null;
  qty_tco2e: number;
  filled_tco2e: number;
  tif: TimeInForce;
  status: OrderStatus;
  placed_at_ms: number;
  expires_at_ms: number | null;
}

export type CashView = Schemas['CashView'];

export type AuctionStatus = 'open' | 'cleared' | 'no_sale';
export const AUCTION_STATUSES: AuctionStatus[] = ['open', 'cleared', 'no_sale'];

export type AuctionBid = Schemas['BidView'];

export interface Auction {
  id: number;
  instrument_id: number;
  code: string;
  seller_org_id: number;
  seller: string;
  supply_tco2e: number;
  reserve_satang: number;
  opens_at_ms: number;
  closes_at_ms: number;
  status: AuctionStatus;
  price_satang: number | null;
  sold_tco2e: number;
  bid_count: number;
  /// Sealed while open: the viewer's own (the operator's: all); all once closed.
  bids: AuctionBid[];
}

/// What the market stream sends (routes/stream.rs).
export type StreamMessage =
  | { type: 'snapshot'; book: Book; trades: Trade[] }
  | { type: 'trade'; trade: Trade }
  | { type: 'book'; book: Book };
