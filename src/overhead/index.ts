// `kbench overhead` building blocks: per-message cost of each binding over C on the same librdkafka,
// on the produce, delivery and consume paths, with its measured decomposition.
export { runOverhead, OVERHEAD_DEFAULTS, METHOD } from './run.js';
export type { OverheadOptions } from './run.js';
export { renderOverheadTable } from './render.js';
export { renderOverheadHtml } from './html.js';
export { armConfig, consumePartitions } from './settings.js';
export { CrossingCounter, instrumentBinding } from './crossings.js';
export { buildResult, summarize } from './summary.js';
export { OVERHEAD_DRIVERS, OVERHEAD_PATHS, OVERHEAD_SCHEMA } from './types.js';
export type {
  ArmRun, ArmVariant, Breakdown, CrossingCounts, NsSummary, OverheadDocument, OverheadDriver, OverheadPath, OverheadResult,
} from './types.js';
