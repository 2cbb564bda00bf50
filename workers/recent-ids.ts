/**
 * Ids remembered up to a limit, the oldest forgotten first: enough to
 * recognise recent messages without growing for the life of the worker.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly limit: number) {}

  add(id: string | null | undefined): void {
    if (!id) return;
    this.ids.delete(id); // re-added ids count as new
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value as string);
  }

  has(id: string | null | undefined): boolean {
    return Boolean(id) && this.ids.has(id as string);
  }

  get size(): number {
    return this.ids.size;
  }
}
