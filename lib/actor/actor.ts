import { DomainError } from '../errors.js';

/** The reply half of a request sent to an actor: settle it exactly once. */
export interface Reply<T> {
  resolve(value: T): void;
  reject(error: Error): void;
}

export class TimeoutError extends DomainError {
  constructor(what: string, ms: number) {
    super('unavailable', `${what} timed out after ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** A promise that rejects with a TimeoutError when it has not settled in `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(what, ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An object with private state and one mailbox. Messages are handled one at a
 * time, in arrival order, by `receive`; nothing else touches the state. A
 * handler must not wait on something that needs another message of the same
 * actor, or the mailbox stalls: long work is started, not awaited.
 */
export abstract class Actor<M> {
  private readonly mailbox: M[] = [];
  private draining = false;

  protected abstract receive(message: M): void | Promise<void>;

  /** Called when `receive` throws; the actor goes on with the next message. */
  protected abstract failed(message: M, error: unknown): void;

  tell(message: M): void {
    this.mailbox.push(message);
    if (!this.draining) void this.processMailbox();
  }

  /** Sends a message carrying a reply and waits for the answer, at most `timeoutMs`. */
  protected ask<T>(build: (reply: Reply<T>) => M, timeoutMs: number, what: string): Promise<T> {
    const answer = new Promise<T>((resolve, reject) => this.tell(build({ resolve, reject })));
    return withTimeout(answer, timeoutMs, what);
  }

  private async processMailbox(): Promise<void> {
    this.draining = true;
    try {
      for (let message = this.mailbox.shift(); message !== undefined; message = this.mailbox.shift()) {
        try {
          await this.receive(message);
        } catch (error) {
          this.failed(message, error);
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
