// `kbench overhead` building blocks: per-message cost of a binding over C on the same librdkafka.
export { runOverhead } from './run.js';
export type { OverheadOptions } from './run.js';
export { renderOverheadTable } from './render.js';
export { armConfig } from './settings.js';
export { OVERHEAD_DRIVERS, OVERHEAD_SCHEMA } from './types.js';
export type { ArmRun, NsSummary, OverheadDocument, OverheadDriver, OverheadPath, OverheadResult } from './types.js';
