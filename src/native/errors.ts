// The one error class librdkafka errors become, in TypeScript and in the addon: binding.ts registers
// this constructor with the addon at load, and the addon's C++ (native/errors.cc) builds every
// librdkafka error through it. `code` is librdkafka's enum name without the RD_KAFKA_RESP_ prefix.

/** librdkafka's error names, e.g. 'ERR__QUEUE_FULL', 'ERR__MSG_TIMED_OUT', 'ERR_UNKNOWN_TOPIC_OR_PART'. */
export type KafkaErrorCode = `ERR_${string}`;

export class KafkaError extends Error {
  override readonly name = 'KafkaError';
  /** librdkafka's name for the error, stable across versions: 'ERR__MSG_TIMED_OUT'. */
  readonly code: KafkaErrorCode;
  /** librdkafka's numeric code (rd_kafka_resp_err_t). */
  readonly errno: number;
  /** produce(): index of the message that could not be enqueued (those before it were). */
  readonly index?: number;
  /** Consumer errors: where the error happened. */
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: number;

  constructor(message: string, code: string, errno: number) {
    super(message);
    this.code = (code.startsWith('ERR_') ? code : `ERR_${code}`) as KafkaErrorCode;
    this.errno = errno;
  }
}

export function isKafkaError(err: unknown, code?: KafkaErrorCode): err is KafkaError {
  return err instanceof KafkaError && (code === undefined || err.code === code);
}
