import {
  CreateQueueCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  SendMessageCommand,
  SQSClient,
  type SQSServiceException,
} from '@aws-sdk/client-sqs';
import type { SqsDelivery } from './delivery.js';
import { delivered, errorText, reject, retry, type DeliveryOutcome, type Sink } from './sink.js';

export interface SqsSinkOptions {
  region: string;
  endpoint: string | null;
  accessKeyId: string;
  secretAccessKey: string;
}

const QUEUE_MISSING = new Set(['QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue']);

/**
 * Sends each envelope to a FIFO queue per instance and event, created on first
 * use. The instance is the message group (order) and the event id the
 * deduplication id (SQS drops a retried send it already has).
 */
export class SqsSink implements Sink<'sqs'> {
  readonly name = 'sqs' as const;
  private readonly client: SQSClient;
  private readonly urls = new Map<string, string>();

  constructor(options: SqsSinkOptions) {
    this.client = new SQSClient({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      ...(options.accessKeyId
        ? { credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey } }
        : {}),
      // The outbox retries with its own backoff; the SDK's retries would only delay that.
      maxAttempts: 1,
    });
  }

  async deliver(delivery: SqsDelivery, eventId: string): Promise<DeliveryOutcome> {
    try {
      const queueUrl = await this.queueUrl(delivery.queueName);
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: queueUrl,
          MessageBody: JSON.stringify(delivery.envelope),
          MessageGroupId: delivery.groupId,
          MessageDeduplicationId: eventId,
          MessageAttributes: { 'x-event-id': { DataType: 'String', StringValue: eventId } },
        }),
      );
      return delivered();
    } catch (error) {
      return this.outcome(delivery.queueName, error);
    }
  }

  /** The cheapest call that needs the endpoint and the credentials: list at most one queue. */
  async probe(): Promise<void> {
    await this.client.send(new ListQueuesCommand({ MaxResults: 1 }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async queueUrl(name: string): Promise<string> {
    const known = this.urls.get(name);
    if (known) return known;
    let url: string | undefined;
    try {
      url = (await this.client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    } catch (error) {
      if (!QUEUE_MISSING.has((error as SQSServiceException).name)) throw error;
      url = (
        await this.client.send(
          new CreateQueueCommand({
            QueueName: name,
            Attributes: { FifoQueue: 'true', ContentBasedDeduplication: 'false' },
          }),
        )
      ).QueueUrl;
    }
    if (!url) throw new Error(`no URL for queue ${name}`);
    this.urls.set(name, url);
    return url;
  }

  private outcome(queueName: string, error: unknown): DeliveryOutcome {
    const e = error as Partial<SQSServiceException>;
    if (e.name && QUEUE_MISSING.has(e.name)) this.urls.delete(queueName);
    const text = `SQS send to ${queueName} failed: ${errorText(error)}`;
    // A request the service refuses as malformed would be refused again.
    if (e.$fault === 'client' && !e.$retryable && !(e.name && QUEUE_MISSING.has(e.name)) && e.name !== 'ThrottlingException') {
      return reject(text);
    }
    return retry(text);
  }
}
