import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { describeError, enc, type Api, type DeadLetterPage } from './api.js';

/** Events that used up their retries: listed on demand, replayed (some or all). */
export function DeadLetters({ api, name }: { api: Api; name: string }) {
  const [page, setPage] = useState<DeadLetterPage | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const load = async () => {
    try {
      setError(null);
      setPage(await api<DeadLetterPage>('GET', `/outbox/deadLetters/${enc(name)}?limit=100`));
      setChosen(new Set());
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const toggle = (event: Event) => {
    if ((event.target as HTMLDetailsElement).open) void load();
  };

  const replay = async (ids?: number[]) => {
    try {
      setError(null);
      const answer = await api<{ replayed: number }>('POST', `/outbox/replay/${enc(name)}`, ids ? { ids } : {});
      setNotice(`${answer.replayed} event${answer.replayed === 1 ? '' : 's'} put back in line.`);
      await load();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const flip = (id: number) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };

  const rows = page?.deadLetters ?? [];
  return html`
    <details onToggle=${toggle}>
      <summary>Dead letters${page ? ` (${page.total})` : ''}</summary>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
      ${page && rows.length === 0 && html`<p class="hint">None: every event was delivered or is still being tried.</p>`}
      ${rows.length > 0 &&
      html`
        <table class="dead-letters">
          <thead>
            <tr><th scope="col"><span class="visually-hidden">Choose</span></th><th scope="col">Event</th><th scope="col">Destination</th><th scope="col">Attempts</th><th scope="col">Last error</th><th scope="col">Created</th></tr>
          </thead>
          <tbody>
            ${rows.map(
              (row) => html`
                <tr key=${row.id}>
                  <td><input type="checkbox" checked=${chosen.has(row.id)} onChange=${() => flip(row.id)} aria-label=${`Choose ${row.event} #${row.id}`} /></td>
                  <td>${row.event}</td>
                  <td>${row.sink}: ${row.destination}</td>
                  <td>${row.attempts}</td>
                  <td>${row.lastError ?? '—'}</td>
                  <td><time datetime=${row.createdAt}>${new Date(row.createdAt).toLocaleString()}</time></td>
                </tr>
              `,
            )}
          </tbody>
        </table>
        <div class="actions">
          <button type="button" disabled=${chosen.size === 0} onClick=${() => replay([...chosen])}>Replay chosen</button>
          <button type="button" class="quiet" onClick=${() => replay()}>Replay all</button>
        </div>
      `}
    </details>
  `;
}
