import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError, enc, type Api, type QrView } from './api.js';
import { Confirmable } from './confirm.js';
import type { Selection } from './dashboard.js';
import { StateBadge } from './dashboard.js';
import { DeadLetters } from './dead-letters.js';
import { Details } from './details.js';
import { usePolling } from './polling.js';

const LINK_EVERY_MS = 2_000;

type Linking = 'no' | 'qr' | 'pairing';

interface StateAnswer {
  instance: { instanceName: string; state: string; workerState?: string };
}

function isQr(answer: unknown): answer is QrView {
  return typeof answer === 'object' && answer !== null && 'code' in answer;
}

/** One instance: its state, linking the phone (QR or pairing code), lifecycle actions, configuration. */
export function InstancePanel({
  api,
  selection,
  onChanged,
  onRemoved,
}: {
  api: Api;
  selection: Selection;
  onChanged: () => Promise<void>;
  onRemoved: () => void;
}) {
  const name = selection.name;
  const path = enc(name);
  const [state, setState] = useState<string | null>(null);
  const [linking, setLinking] = useState<Linking>(selection.firstQr?.code ? 'qr' : 'no');
  const [qr, setQr] = useState<QrView | null>(selection.firstQr?.code ? selection.firstQr : null);
  const [pairingCode, setPairingCode] = useState<string | null>(null);
  const [number, setNumber] = useState('');
  const [notice, setNotice] = useState<string | null>(selection.firstQr?.message ?? null);
  const [error, setError] = useState<string | null>(null);
  const lastState = useRef<string | null>(null);

  const readState = async () => {
    const answer = await api<StateAnswer>('GET', `/instance/connectionState/${path}`);
    const current = answer.instance.state;
    setState(current);
    if (lastState.current !== null && lastState.current !== current) void onChanged();
    lastState.current = current;
    return current;
  };

  const tick = async () => {
    try {
      const current = await readState();
      if (current === 'open') {
        if (linking !== 'no') setNotice('The phone is linked.');
        setLinking('no');
        setQr(null);
        setPairingCode(null);
        return;
      }
      if (linking === 'qr') {
        const answer = await api<unknown>('GET', `/instance/connect/${path}`);
        if (isQr(answer) && answer.code) setQr(answer);
      }
      setError(null);
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  useEffect(() => void tick(), []);
  usePolling(tick, LINK_EVERY_MS);

  const run = async (work: () => Promise<void>) => {
    setError(null);
    setNotice(null);
    try {
      await work();
    } catch (failure) {
      setError(describeError(failure));
    }
  };

  const linkWithQr = () =>
    run(async () => {
      setPairingCode(null);
      const answer = await api<unknown>('GET', `/instance/connect/${path}`);
      if (isQr(answer) && answer.code) {
        setQr(answer);
        setLinking('qr');
      } else {
        await readState();
      }
    });

  const askPairingCode = (event: Event) => {
    event.preventDefault();
    return run(async () => {
      const answer = await api<unknown>('GET', `/instance/connect/${path}?number=${enc(number.trim())}`);
      if (isQr(answer) && answer.pairingCode) {
        setQr(null);
        setPairingCode(answer.pairingCode);
        setLinking('pairing');
      } else {
        setNotice('No pairing code came back; the instance may already be linked.');
        await readState();
      }
    });
  };

  const restart = () =>
    run(async () => {
      await api('POST', `/instance/restart/${path}`);
      setNotice('Restarted.');
      await readState();
    });
  const logout = () =>
    run(async () => {
      await api('DELETE', `/instance/logout/${path}`);
      setLinking('no');
      setQr(null);
      setNotice('Logged out of WhatsApp. The instance stays; link it again to use it.');
      await readState();
    });
  const remove = () =>
    run(async () => {
      await api('DELETE', `/instance/delete/${path}`);
      onRemoved();
    });

  const open = state === 'open';
  return html`
    <section class="card" aria-labelledby="panel-title" data-panel=${name}>
      <h2 id="panel-title">${name}</h2>
      <p aria-live="polite">State: ${state === null ? '…' : html`<${StateBadge} state=${state} />`}</p>
      ${notice && html`<p class="notice" role="status">${notice}</p>`}
      ${error && html`<p class="error" role="alert">${error}</p>`}

      ${!open &&
      html`
        <h3>Link a phone</h3>
        ${linking === 'qr' && qr?.base64
          ? html`
              <figure class="qr">
                <img src=${qr.base64} data-code=${qr.code} width="264" height="264" alt=${`QR code to link a phone to ${name}`} />
                <figcaption>On the phone: WhatsApp → Linked devices → Link a device, then scan. It refreshes by itself.</figcaption>
              </figure>
            `
          : html`<button type="button" onClick=${linkWithQr}>Show QR code</button>`}
        ${pairingCode &&
        html`<p>Pairing code: <strong class="pairing-code" data-pairing-code=${pairingCode}>${pairingCode}</strong>. On the phone: Linked devices → Link with phone number instead.</p>`}
        <form class="inline" onSubmit=${askPairingCode}>
          <label for="p-number">Phone number</label>
          <input id="p-number" value=${number} onInput=${(e: Event) => setNumber((e.target as HTMLInputElement).value)} inputmode="numeric" required autocomplete="off" />
          <button type="submit" class="quiet">Get pairing code</button>
        </form>
      `}

      <h3>Actions</h3>
      <div class="actions">
        <${Confirmable} label="Restart" question=${`Restart ${name}? The session is kept.`} onConfirm=${restart} />
        <${Confirmable} label="Log out" question=${`Log ${name} out of WhatsApp? The phone must be linked again.`} onConfirm=${logout} />
        <${Confirmable} label="Delete" danger question=${`Delete ${name} and all its data? This cannot be undone.`} onConfirm=${remove} />
      </div>

      <${Details} title="Settings" api=${api} path=${`/settings/find/${path}`} />
      <${Details} title="Webhook" api=${api} path=${`/webhook/find/${path}`} />
      <${DeadLetters} api=${api} name=${name} />
    </section>
  `;
}
