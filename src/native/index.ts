// kbench's custom-client API: Node producers and consumers on librdkafka that cross into C++ once
// per batch, never once per message.
import { binding, addonPath } from './binding.js';

export { NativeProducer } from './producer.js';
export type {
  BatchInput, ClientConfig, DeliveryRecords, DeliveryReport, PollResult, ProduceLoopOptions, ProduceLoopResult, ProduceOptions,
  ProduceSyncOptions, ProducerOptions, ProducerStats,
} from './producer.js';
export { NativeConsumer, consumeBufferSize } from './consumer.js';
export type { ConsumeLoopOptions, ConsumeLoopResult, StartOffset, TopicMetadata, TopicPartitionOffset } from './consumer.js';
export { ConsumedBatch, batchCount, batchValues, packBatch } from './batch.js';
export type { MessageBatch, MessageInput } from './batch.js';
export { KafkaError, isKafkaError } from './errors.js';
export type { KafkaErrorCode } from './errors.js';
export type { ClientState, ConfigValue, HeaderList } from './binding.js';
export { latencyToHdr } from './histogram.js';
export { addBatchToChecksum, payloadBatch } from './payloads.js';
export type { LatencyBuckets } from './histogram.js';
export { addonPath };

/** The librdkafka the addon runs on (runtime library version, e.g. '2.12.0'). */
export function librdkafkaVersion(): string {
  return binding().librdkafkaVersion;
}

/** librdkafka's code for an error number: errorName(-185) === 'ERR__TIMED_OUT'. */
export function errorName(errno: number): string {
  return binding().errorName(errno);
}
