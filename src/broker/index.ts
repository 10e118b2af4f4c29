// The broker kbench benchmarks against: the embedded KRaft cluster, and topic admin for any cluster.
export { startBroker } from './cluster.js';
export type { BrokerHandle, BrokerNode, BrokerOptions, ListenerTemplate } from './cluster.js';
export {
  createTopic,
  deleteTopic,
  deleteTopicAndWait,
  describeCluster,
  kafkajsClient,
  parseBrokerList,
  topicDirectories,
  topicEndOffsetsTotal,
  withAdmin,
} from './admin.js';
export type { ClientTimeouts, ClusterInfo, CreateTopicOptions, DeleteTopicAndWaitOptions, KafkaConnection, TopicDeletion } from './admin.js';
export { BENCHMARK_BROKER_SETTINGS, INITIAL_TASK_DELAY_SETTING, nodeProperties, renderProperties, newClusterId, isClusterId } from './config.js';
export { cpusAllowed, findTaskset, formatCpuList, parseCpuList, validateCpus } from '../util/cpus.js';
export { DEFAULT_STORAGE, STORAGE_REQUESTS, TMPFS_MIN_FREE_BYTES, TMPFS_ROOT, parseStorage, tmpfsProblem } from './storage.js';
export type { BrokerStorage, StorageRequest } from './storage.js';
export { DEFAULT_SASL_USERNAME, SASL_MECHANISMS, generatePassword, validateBrokerUser } from './security.js';
export type { BrokerListener, SaslMechanism, SaslUser } from './security.js';
export type { ListenerSpec, NodeConfigInput, QuorumVoter, SecurityProtocol } from './config.js';
export { cachedKafkaJars, kafkaCacheRoot, kafkaHome, resolveKafkaJars } from './jars.js';
export type { KafkaJars } from './jars.js';
export { preflight } from './preflight.js';
export type { Toolchain } from './preflight.js';
export { DEFAULT_KAFKA_VERSION, KAFKA_VERSION_ALIASES, parseHeap, parseKafkaVersion, parseNodes } from './versions.js';
export type { KafkaVersionInfo } from './versions.js';
