// kbench as a library: the embedded broker for tests and scripts, and the native client API.
export { startBroker } from './broker/index.js';
export type { BrokerHandle, BrokerOptions, KafkaConnection, CreateTopicOptions } from './broker/index.js';
export { createTopic, deleteTopic, topicEndOffsetsTotal } from './broker/index.js';
export {
  NativeProducer, NativeConsumer, ConsumedBatch, KafkaError, isKafkaError, packBatch, batchCount, batchValues, latencyToHdr,
  librdkafkaVersion, errorName, addonPath, payloadBatch, addBatchToChecksum,
} from './native/index.js';
export type {
  BatchInput, ClientConfig, ClientState, ConfigValue, ConsumeLoopOptions, ConsumeLoopResult, DeliveryRecords, DeliveryReport, HeaderList,
  KafkaErrorCode, LatencyBuckets, MessageBatch, MessageInput, PollResult, ProduceLoopOptions, ProduceLoopResult, ProduceOptions,
  ProduceSyncOptions, ProducerOptions, ProducerStats, StartOffset, TopicPartitionOffset,
} from './native/index.js';
