import { html } from 'htm/preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, describeError, type Api, type InstanceListing, type QrView } from './api.js';
import { CreateForm } from './create-form.js';
import { InstancePanel } from './instance-panel.js';
import { usePolling } from './polling.js';

const LIST_EVERY_MS = 5_000;

export interface Selection {
  name: string;
  /** The QR the create answer carried, shown until the first refresh. */
  firstQr?: QrView;
}

/** The instance list, the create form and the instance picked from the list. */
export function Dashboard({ api, onUnauthorized }: { api: Api; onUnauthorized: () => void }) {
  const [instances, setInstances] = useState<InstanceListing[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Selection | null>(null);

  const refresh = useCallback(async () => {
    try {
      setInstances(await api<InstanceListing[]>('GET', '/instance/fetchInstances'));
      setError(null);
    } catch (failure) {
      // The key was revoked or changed while the tab was open.
      if (failure instanceof ApiError && failure.status === 401) return onUnauthorized();
      setError(describeError(failure));
    }
  }, [api, onUnauthorized]);

  useEffect(() => void refresh(), [refresh]);
  usePolling(refresh, LIST_EVERY_MS);

  const created = (selection: Selection) => {
    setSelected(selection);
    void refresh();
  };
  const removed = () => {
    setSelected(null);
    void refresh();
  };

  return html`
    <div class="columns">
      <div>
        <section class="card" aria-labelledby="instances-title">
          <h2 id="instances-title">Instances</h2>
          ${error && html`<p class="error" role="alert">${error}</p>`}
          <${InstanceTable} instances=${instances} selected=${selected?.name} onSelect=${(name: string) => setSelected({ name })} />
        </section>
        <${CreateForm} api=${api} onCreated=${created} />
      </div>
      ${selected &&
      html`<${InstancePanel}
        key=${selected.name}
        api=${api}
        selection=${selected}
        onChanged=${refresh}
        onRemoved=${removed}
      />`}
    </div>
  `;
}

function InstanceTable({
  instances,
  selected,
  onSelect,
}: {
  instances: InstanceListing[] | null;
  selected?: string;
  onSelect: (name: string) => void;
}) {
  if (instances === null) return html`<p class="hint">Loading…</p>`;
  if (instances.length === 0) return html`<p class="hint">No instances yet. Create one below.</p>`;
  return html`
    <table class="instances">
      <thead>
        <tr><th scope="col">Name</th><th scope="col">State</th><th scope="col">Account</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
      </thead>
      <tbody>
        ${instances.map(
          (instance) => html`
            <tr key=${instance.id} data-instance=${instance.name} aria-current=${instance.name === selected ? 'true' : undefined}>
              <th scope="row">${instance.name}</th>
              <td><${StateBadge} state=${instance.connectionStatus} /></td>
              <td>${instance.profileName ?? instance.ownerJid?.split('@')[0] ?? instance.number ?? '—'}</td>
              <td><button type="button" class="quiet" onClick=${() => onSelect(instance.name)}>Open<span class="visually-hidden"> ${instance.name}</span></button></td>
            </tr>
          `,
        )}
      </tbody>
    </table>
  `;
}

export function StateBadge({ state }: { state: string }) {
  return html`<span class="state state-${state}" data-state=${state}>${state}</span>`;
}
