/**
 * Runs the lifecycle commands of one instance (create, connect, restart,
 * logout, delete, restore) one at a time, in arrival order, keyed by the
 * instance's name: a connect that overlaps a delete either runs before it or
 * finds the instance gone, and never starts a worker for a removed instance.
 * Different instances do not wait for each other.
 */
export class Lifecycle {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(name) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(name, tail);
    // Forget the name once nothing more is queued behind this command.
    void tail.then(() => {
      if (this.tails.get(name) === tail) this.tails.delete(name);
    });
    return result;
  }

  /** Names with a command running or queued. */
  get busy(): number {
    return this.tails.size;
  }
}
