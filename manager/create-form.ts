import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { ApiError, describeError, type Api, type QrView } from './api.js';
import type { Selection } from './dashboard.js';

interface Fields {
  instanceName: string;
  integration: string;
  token: string;
  number: string;
  businessId: string;
  qrcode: boolean;
}

const EMPTY: Fields = { instanceName: '', integration: 'WHATSAPP-BAILEYS', token: '', number: '', businessId: '', qrcode: true };

/** The create body: blank fields are left out, as if never typed. */
function bodyOf(fields: Fields): Record<string, unknown> {
  const body: Record<string, unknown> = { instanceName: fields.instanceName.trim(), integration: fields.integration };
  for (const name of ['token', 'number', 'businessId'] as const) {
    const value = fields[name].trim();
    if (value !== '') body[name] = value;
  }
  if (fields.integration === 'WHATSAPP-BAILEYS') body.qrcode = fields.qrcode;
  return body;
}

interface Created {
  instance: { instanceName: string };
  qrcode?: QrView;
}

export function CreateForm({ api, onCreated }: { api: Api; onCreated: (selection: Selection) => void }) {
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const business = fields.integration === 'WHATSAPP-BUSINESS';

  const set = (name: keyof Fields) => (event: Event) => {
    const input = event.target as HTMLInputElement;
    setFields({ ...fields, [name]: input.type === 'checkbox' ? input.checked : input.value });
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<Created>('POST', '/instance/create', bodyOf(fields));
      setFields(EMPTY);
      onCreated({ name: created.instance.instanceName, firstQr: created.qrcode });
    } catch (failure) {
      // Signed in with an instance's token, the rest of the page works; creating does not.
      const tokenOnly = failure instanceof ApiError && failure.status === 401;
      setError(tokenOnly ? 'Only the global API key can create instances.' : describeError(failure));
    } finally {
      setBusy(false);
    }
  };

  return html`
    <section class="card" aria-labelledby="create-title">
      <h2 id="create-title">New instance</h2>
      <form onSubmit=${submit} class="fields">
        <label for="c-name">Instance name</label>
        <input id="c-name" value=${fields.instanceName} onInput=${set('instanceName')} required maxlength="100" autocomplete="off" />

        <label for="c-integration">Integration</label>
        <select id="c-integration" value=${fields.integration} onChange=${set('integration')}>
          <option value="WHATSAPP-BAILEYS">WhatsApp (linked device, QR code)</option>
          <option value="WHATSAPP-BUSINESS">WhatsApp Business Cloud API</option>
        </select>

        <label for="c-token">Token <span class="hint">(optional; one is made up when blank)</span></label>
        <input id="c-token" value=${fields.token} onInput=${set('token')} maxlength="255" autocomplete="off" />

        <label for="c-number">Number <span class="hint">(${business ? 'the Business phone number id' : 'optional, digits only'})</span></label>
        <input id="c-number" value=${fields.number} onInput=${set('number')} inputmode="numeric" required=${business} autocomplete="off" />

        ${business &&
        html`
          <label for="c-business">Business account id</label>
          <input id="c-business" value=${fields.businessId} onInput=${set('businessId')} required maxlength="64" autocomplete="off" />
        `}
        ${!business &&
        html`
          <label class="check"><input id="c-qrcode" type="checkbox" checked=${fields.qrcode} onChange=${set('qrcode')} /> Show a QR code to link the phone now</label>
        `}
        <div><button type="submit" disabled=${busy}>${busy ? 'Creating…' : 'Create'}</button></div>
      </form>
      ${error && html`<p class="error" role="alert">${error}</p>`}
    </section>
  `;
}
