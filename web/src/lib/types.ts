//! The shapes of the API's JSON (see the server's OpenAPI document at
//! /api/openapi.json). Only the fields the client reads are listed.

import type { InclusionProof, TreeHead } from './proof';

export type { InclusionProof, TreeHead };

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
  org_id: number;
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
export interface ActorView {
  system: boolean;
  user_id: number | null;
  username: string | null;
  org_id: number | null;
  org_name: string | null;
}

export interface Organisation {
  id: number;
  name: string;
  role: Role;
  account: number;
}

export interface CreditClass {
  id: number;
  code: string;
  name: string;
  methodology: string;
  kind: ClassKind;
  default_buffer_bps: number;
}

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

export interface Report {
  id: number;
  project: number;
  period_start: string;
  period_end: string;
  claimed_tco2e: number;
  calculation: string;
  status: ReportStatus;
  verified_tco2e: number;
  verifier: number | null;
  review_note: string;
  /** Given by `GET /reports`; absent where reports come inside their project. */
  project_name?: string;
}

export interface Batch {
  id: number;
  project: number;
  report: number;
  vintage_start: string;
  vintage_end: string;
  issued_tco2e: number;
  buffer_tco2e: number;
  issued_to: number;
  corresponding_adjustment: 'not_applied' | 'applied';
  issued_at_ms: number;
  active_tco2e: number;
  held_tco2e: number;
  retired_tco2e: number;
  cancelled_tco2e: number;
  serial: string;
  project_name: string;
}

export interface ProjectDetail extends Project {
  batches: Batch[];
  reports: Report[];
}

export interface Block {
  serial: string;
  quantity_tco2e: number;
  state: 'active' | 'held' | 'retired' | 'cancelled';
  by?: number;
  account_id: number;
  holder: string;
}

export interface SerialView {
  serial: string;
  batch: Batch;
  blocks: Block[];
}

export interface Retirement {
  id: number;
  account: number;
  batch: number;
  quantity_tco2e: number;
  beneficiary: string;
  reason: string;
  jurisdiction: string;
  inventory_year: number;
  retired_at_ms: number;
  serials: string[];
  project_id: number;
  project_name: string;
  vintage_start: string;
  vintage_end: string;
  retired_by: string;
  seq: number | null;
}

export interface Stats {
  issued_tco2e: number;
  active_tco2e: number;
  retired_tco2e: number;
  cancelled_tco2e: number;
  buffer_tco2e: number;
  projects: number;
  registered_projects: number;
  organisations: number;
  tree_head: TreeHead | null;
}

export interface Holding {
  batch_id: number;
  project_id: number;
  project_name: string;
  vintage_start: string;
  vintage_end: string;
  active_tco2e: number;
  held_tco2e: number;
  serials: string[];
}

export interface AccountView {
  account: { id: number; org: number; kind: 'holding' | 'buffer_pool' };
  organisation: string;
  holdings: Holding[];
}

export interface JournalEvent {
  seq: number;
  time_ms: number;
  payload: { event: string; [key: string]: unknown };
}

/// What a command made, typed (`CommandResult` on the server).
export type CommandResult =
  | { made: 'organisation'; organisation_id: number; account_id: number }
  | { made: 'credit_class'; class_id: number }
  | { made: 'project'; project_id: number }
  | { made: 'report'; report_id: number }
  | { made: 'batch'; batch_id: number; issued_tco2e: number }
  | { made: 'retirement'; retirement_id: number; quantity_tco2e: number }
  | { made: 'cancellation'; cancellation_id: number }
  | { made: 'hold'; hold_id: number }
  | { made: 'factory'; org_id: number }
  | { made: 'reduction'; reduction_id: number }
  | { made: 'practice'; practice_id: number }
  | { made: 'instrument'; instrument_id: number }
  | { made: 'order'; order_id: number; status: string; qty_tco2e: number; filled_tco2e: number; traded_now_tco2e: number }
  | { made: 'auction'; auction_id: number }
  | { made: 'recorded' };

export interface CommandResponse {
  replayed: boolean;
  result: CommandResult;
  /// The journal position of the command's first event, and one past its last.
  first_seq: number;
  end_seq: number;
  events: JournalEvent[];
}

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

export interface Factory {
  org_id: number;
  account_id: number;
  name: string;
  licence: string;
  sector: string;
  district: string;
  publish: boolean;
  synthetic: boolean;
  years: number[];
  target: TargetSetting | null;
}

export interface InventoryLine {
  line: number;
  month: string;
  scope: number;
  category: string;
  source: string;
  gas: string;
  quantity: string;
  unit: string;
  emissions_tco2e: number;
  factors: { id: string; version: number }[];
  gwp_set: string;
  gwp: number | null;
}

export interface FactoryInventory {
  factory: Factory;
  year: number;
  inventory: {
    options: { year: number; gwp_set: string; combustion: string };
    lines: InventoryLine[];
    total_tco2e: number;
    by_scope: Record<string, number>;
    by_gas: Record<string, number>;
    by_source: Record<string, number>;
  };
  retired_tco2e: number;
  net_tco2e: number;
  factors_used: FactorUsed[];
}

export interface FactorUsed {
  id: string;
  version: number;
  activity: string;
  unit: string;
  gas: string;
  value: string;
  value_unit: string;
  source: string;
  year: number;
  region: string;
  status: string;
}

export interface TargetSetting {
  base_year: number;
  target_year: number;
  reduction: number;
  net_zero_year: number;
}

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

export interface Reduction {
  id: number;
  org_id: number;
  factory: string;
  kind: ReductionKind;
  title: string;
  description: string;
  estimated_tco2e_per_year: number;
  start_year: number;
  status: 'planned' | 'in_operation';
  synthetic: boolean;
  methodology: 'steam_efficiency' | 'electric_mobility' | null;
  registry_project_id: number | null;
  registry_project_status: string | null;
}

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

export interface CsvProblem {
  line: number;
  column: string | null;
  problem: string;
  message: string;
}

// The exchange (routes/market.rs): prices are satang per tonne (100 to the
// baht), quantities whole tonnes, moments milliseconds since the epoch.

export interface ExchangeInfo {
  open: boolean;
  fee_bps: number;
}

export interface Instrument {
  id: number;
  code: string;
  batch_id: number;
  project_id: number;
  project_name: string;
  vintage_year: number;
  tick_satang: number;
  best_bid_satang: number | null;
  best_ask_satang: number | null;
  last_price_satang: number | null;
  volume_tco2e: number;
  trades: number;
}

export interface BookLevel {
  price_satang: number;
  qty_tco2e: number;
  orders: number;
}

export interface Book {
  instrument_id: number;
  /// Best first.
  bids: BookLevel[];
  asks: BookLevel[];
}

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

export interface Candle {
  at_ms: number;
  open_satang: number;
  high_satang: number;
  low_satang: number;
  close_satang: number;
  volume_tco2e: number;
}

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

export interface CashView {
  org_id: number;
  /// Null until the operator records a first deposit.
  account_id: number | null;
  balance_satang: number;
  available_satang: number;
  held_satang: number;
  transfers: { id: string; kind: string; amount_satang: number; at_ms: number }[];
}

export type AuctionStatus = 'open' | 'cleared' | 'no_sale';
export const AUCTION_STATUSES: AuctionStatus[] = ['open', 'cleared', 'no_sale'];

export interface AuctionBid {
  number: number;
  org_id: number;
  bidder: string;
  price_satang: number;
  qty_tco2e: number;
  allocated_tco2e: number;
  placed_at_ms: number;
}

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
