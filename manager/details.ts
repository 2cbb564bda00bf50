import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { describeError, type Api } from './api.js';

function shown(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'object') return JSON.stringify(value, null, 1);
  return String(value);
}

/** Read-only configuration (settings, webhook), loaded when opened. */
export function Details({ title, api, path }: { title: string; api: Api; path: string }) {
  const [value, setValue] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | null>(null);

  const toggle = async (event: Event) => {
    if (!(event.target as HTMLDetailsElement).open) return;
    try {
      setError(null);
      setValue((await api<Record<string, unknown> | null>('GET', path)) ?? {});
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  // The webhook answer nests its fields under `webhook`.
  const fields = value && typeof value.webhook === 'object' && value.webhook !== null ? (value.webhook as Record<string, unknown>) : value;
  return html`
    <details onToggle=${toggle}>
      <summary>${title}</summary>
      ${error && html`<p class="error" role="alert">${error}</p>`}
      ${fields && Object.keys(fields).length === 0 && html`<p class="hint">Nothing configured.</p>`}
      ${fields &&
      html`<dl class="pairs">
        ${Object.entries(fields).map(([key, item]) => html`<dt>${key}</dt><dd>${shown(item)}</dd>`)}
      </dl>`}
    </details>
  `;
}
